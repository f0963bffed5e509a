using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Reading;

public sealed class NdjsonReaderTests
{
    [Fact]
    public async Task Reads_one_record_per_line_and_skips_blank_lines()
    {
        var text = $"{RecordJson.Line(RecordJson.Example("form"))}\n\n  \n{RecordJson.Line(RecordJson.Example("intake"))}\r\n";

        var items = await Read.TextAsync("a.ndjson", text);

        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Empty(i.Errors));
        Assert.Equal(new SourceLocation("a.ndjson", Line: 4), items[1].Record!.Source);
    }

    [Fact]
    public async Task A_malformed_line_is_rejected_with_its_line_number_and_the_next_line_still_read()
    {
        var text = $"{{\"recordType\": \"form\",\n{RecordJson.Line(RecordJson.Example("consent"))}\n";

        var items = await Read.TextAsync("bad.ndjson", text);

        var error = Assert.Single(items[0].Errors);
        Assert.Equal("bad.ndjson line 1", error.Source.ToString());
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Equal("CNS-2026-000311", items[1].Record!.RecordId);
    }

    [Fact]
    public async Task A_record_over_one_MiB_is_rejected_and_the_following_records_still_read()
    {
        var huge = RecordJson.Example("session").With("notes", new string('x', 1024 * 1024 + 10));
        var text = $"{RecordJson.Line(huge)}\n{RecordJson.Line(RecordJson.Example("consent"))}";

        var items = await Read.TextAsync("big.ndjson", text);

        Assert.Contains("larger than the 1 MiB limit", Assert.Single(items[0].Errors).Message, StringComparison.Ordinal);
        Assert.NotNull(items[1].Record);
    }

    [Fact]
    public async Task A_line_that_is_not_an_object_is_rejected()
    {
        var items = await Read.TextAsync("x.ndjson", "[1,2]\n");

        Assert.Contains("must be a JSON object", Assert.Single(Assert.Single(items).Errors).Message, StringComparison.Ordinal);
    }
}
