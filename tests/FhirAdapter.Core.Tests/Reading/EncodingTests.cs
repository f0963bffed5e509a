using System.Text;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Reading;

/// <summary>
/// The encodings and line endings practice systems write, for each file format: each is read exactly as the same text
/// in plain UTF-8, or refused with one error for the whole file, never one per line.
/// </summary>
public sealed class EncodingTests
{
    /// <summary>Text with characters beyond ASCII, so that a wrong decoding shows in the content hash.</summary>
    private const string Title = "Cuestionario de salud — año 2026, señal ✓";

    private static readonly string Csv = File.ReadAllText(Path.Combine(RepoPaths.RecordExamples, "sessions.csv")).ReplaceLineEndings("\n");

    public static TheoryData<string, string> Encodings() => new()
    {
        { "a.ndjson", "utf-8 bom" }, { "a.ndjson", "crlf" }, { "a.ndjson", "utf-8 bom crlf" },
        { "a.ndjson", "utf-16le" }, { "a.ndjson", "utf-16be" }, { "a.ndjson", "utf-16le crlf" }, { "a.ndjson", "utf-16le no bom" },
        { "a.json", "utf-8 bom" }, { "a.json", "crlf" }, { "a.json", "utf-16le" }, { "a.json", "utf-16be crlf" }, { "a.json", "utf-16be no bom" },
        { "a.csv", "utf-8 bom" }, { "a.csv", "crlf" }, { "a.csv", "utf-8 bom crlf" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task Every_encoding_a_format_allows_reads_the_same_records_as_plain_UTF8(string file, string encoding)
    {
        var text = Content(file);
        var expected = await ReadAsync(file, Encode(text, "utf-8"));
        Assert.Equal(2, expected.Count);
        Assert.All(expected, i => Assert.Empty(i.Errors));

        var items = await ReadAsync(file, Encode(text, encoding));

        Assert.All(items, i => Assert.Empty(i.Errors));
        Assert.Equal(expected.Select(i => i.Record!.ContentHash), items.Select(i => i.Record!.ContentHash));
        Assert.Equal(expected.Select(i => i.Record!.Source), items.Select(i => i.Record!.Source)); // same line numbers
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-16le no bom")]
    public async Task A_UTF16_CSV_file_is_refused_once_as_the_contract_says_CSV_is_UTF8(string encoding)
    {
        var items = await ReadAsync("s.csv", Encode(Content("s.csv"), encoding));

        var error = Assert.Single(Assert.Single(items).Errors);
        Assert.Equal("s.csv", error.Source.ToString());
        Assert.StartsWith("this file is UTF-16", error.Message, StringComparison.Ordinal);
        Assert.Contains("export it as UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a.ndjson")]
    [InlineData("a.json")]
    [InlineData("a.csv")]
    public async Task A_UTF32_file_is_refused_once(string file)
    {
        var items = await ReadAsync(file, Encode(Content(file), "utf-32"));

        Assert.StartsWith("this file is UTF-32; export it as UTF-8", Assert.Single(Assert.Single(items).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_NDJSON_line_in_a_Windows_code_page_is_rejected_as_not_UTF8_and_the_next_line_read()
    {
        // (JsonNode escapes what is not ASCII: put the accent in after it.)
        var line = RecordJson.Line(RecordJson.Example("form").With("title", "Evaluation")).Replace("Evaluation", "Évaluation", StringComparison.Ordinal);
        var latin = Encoding.Latin1.GetBytes(line + "\n");
        var bytes = latin.Concat(Encoding.UTF8.GetBytes(RecordJson.Line(RecordJson.Example("consent")) + "\n")).ToArray();

        var items = await ReadAsync("cp1252.ndjson", bytes);

        Assert.Equal(2, items.Count);
        var error = Assert.Single(items[0].Errors);
        Assert.Equal("cp1252.ndjson line 1", error.Source.ToString());
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
        Assert.NotNull(items[1].Record);
    }

    [Fact]
    public async Task A_CSV_row_in_a_Windows_code_page_is_rejected_naming_its_column_not_read_with_a_mangled_name()
    {
        var rows = Csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var second = rows[1].Replace("SES-2026-004452", "SES-2026-004453", StringComparison.Ordinal).Replace("Alan Brooks", "José Brooks", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes($"{rows[0]}\n{rows[1]}\n").Concat(Encoding.Latin1.GetBytes(second + "\n")).ToArray();

        var items = await ReadAsync("cp1252.csv", bytes);

        Assert.Equal(2, items.Count);
        Assert.NotNull(items[0].Record);
        var error = Assert.Single(items[1].Errors);
        Assert.Equal("providerName", error.Field);
        Assert.Equal("SES-2026-004453", error.RecordId);
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Two records of the format, with LF line endings (the encodings below change them).</summary>
    private static string Content(string file)
    {
        // JsonNode escapes what is not ASCII: the title goes in as it would be written, unescaped.
        var form = RecordJson.Line(RecordJson.Example("form").With("title", "TITLE")).Replace("TITLE", Title, StringComparison.Ordinal);
        var consent = RecordJson.Line(RecordJson.Example("consent"));
        var csv = Csv.Replace("Mood brighter", Title, StringComparison.Ordinal);
        return Path.GetExtension(file) switch
        {
            ".ndjson" => $"{form}\n{consent}\n",
            ".json" => $"[\n  {form},\n  {consent}\n]\n",
            _ => csv.TrimEnd('\n') + "\n" + csv.Split('\n')[1].Replace("SES-2026-004452", "SES-2026-004453", StringComparison.Ordinal) + "\n",
        };
    }

    private static byte[] Encode(string text, string encoding)
    {
        if (encoding.Contains("crlf", StringComparison.Ordinal))
        {
            text = text.ReplaceLineEndings("\r\n");
        }

        Encoding target = encoding switch
        {
            _ when encoding.StartsWith("utf-16le", StringComparison.Ordinal) => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            _ when encoding.StartsWith("utf-16be", StringComparison.Ordinal) => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            "utf-32" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: encoding.Contains("bom", StringComparison.Ordinal)),
        };
        var preamble = encoding.Contains("no bom", StringComparison.Ordinal) ? [] : target.GetPreamble();
        return [.. preamble, .. target.GetBytes(text)];
    }

    private static async Task<List<ReadItem>> ReadAsync(string file, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var items = new List<ReadItem>();
        await foreach (var item in InboxReader.ReadStreamAsync(stream, file))
        {
            items.Add(item);
        }

        return items;
    }
}
