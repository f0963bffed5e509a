using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Reading;

public sealed class JsonFileReaderTests
{
    [Fact]
    public async Task Reads_a_single_record()
    {
        var items = await Read.TextAsync("one.json", RecordJson.Example("intake").ToJsonString());

        Assert.Equal("INT-2026-000123", Assert.Single(items).Record!.RecordId);
    }

    [Fact]
    public async Task Reads_an_array_naming_each_element_by_its_index()
    {
        var text = $"[{RecordJson.Line(RecordJson.Example("form"))}, {RecordJson.Line(RecordJson.Example("consent").Without("patientMrn"))}]";

        var items = await Read.TextAsync("many.json", text);

        Assert.NotNull(items[0].Record);
        var error = Assert.Single(items[1].Errors);
        Assert.Equal("many.json [1]", error.Source.ToString());
        Assert.Equal("CNS-2026-000311", error.RecordId);
        Assert.Equal("patientMrn", error.Field);
    }

    [Fact]
    public async Task A_syntax_error_keeps_the_records_before_it()
    {
        var text = $"[{RecordJson.Line(RecordJson.Example("form"))}, {{\"recordType\": ";

        var items = await Read.TextAsync("cut.json", text);

        Assert.NotNull(items[0].Record);
        Assert.Contains("not valid JSON", Assert.Single(items[1].Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_reported()
    {
        var items = await Read.TextAsync("empty.json", "  \n");

        Assert.Contains("empty", Assert.Single(Assert.Single(items).Errors).Message, StringComparison.Ordinal);
    }
}
