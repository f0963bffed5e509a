using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace FhirAdapter.Core.Reading;

/// <summary>
/// Reads an NDJSON file line by line from a stream. A line over the record limit is skipped
/// without being held in memory, and a bad line never stops the lines after it.
/// </summary>
internal static class NdjsonReader
{
    public static async IAsyncEnumerable<ReadItem> ReadAsync(Stream stream, string fileName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var line = new ArrayBufferWriter<byte>(4096);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var lineNumber = 1;
            var oversized = false;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsMemory(0, read);
                while (!chunk.IsEmpty)
                {
                    var newline = chunk.Span.IndexOf((byte)'\n');
                    var part = newline < 0 ? chunk : chunk[..newline];
                    if (!oversized)
                    {
                        if (line.WrittenCount + part.Length > RecordParser.MaxRecordBytes)
                        {
                            oversized = true;
                            line.ResetWrittenCount();
                        }
                        else
                        {
                            line.Write(part.Span);
                        }
                    }

                    if (newline < 0)
                    {
                        break;
                    }

                    if (Complete(line, fileName, lineNumber, oversized) is { } item)
                    {
                        yield return item;
                    }

                    line.ResetWrittenCount();
                    oversized = false;
                    lineNumber++;
                    chunk = chunk[(newline + 1)..];
                }
            }

            if (Complete(line, fileName, lineNumber, oversized) is { } last)
            {
                yield return last;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadItem? Complete(ArrayBufferWriter<byte> line, string fileName, int lineNumber, bool oversized)
    {
        var source = new SourceLocation(fileName, Line: lineNumber);
        if (oversized)
        {
            return ReadItem.Invalid(RecordParser.TooLarge(source));
        }

        var bytes = line.WrittenSpan.TrimEnd((byte)'\r');
        if (bytes.Trim(" \t"u8).IsEmpty)
        {
            return null; // blank lines are allowed
        }

        var raw = System.Text.Encoding.UTF8.GetString(bytes);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return ReadItem.Invalid(new RecordError(source, null, "", NotUtf8)) with { RawText = raw };
        }

        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var item = RecordParser.Parse(document.RootElement, source);
            return item.Record is null ? item with { RawText = raw } : item;
        }
        catch (JsonException ex)
        {
            return ReadItem.Invalid(new RecordError(source, null, "", $"is not valid JSON ({JsonProblem(ex)})")) with { RawText = raw };
        }
    }

    /// <summary>What a record with bytes that are not UTF-8 is told (most often an export in a Windows code page).</summary>
    internal const string NotUtf8 = "contains bytes that are not UTF-8 (was the file written in a Windows code page such as 1252?); export it as UTF-8";

    /// <summary>The parser's position, without its message (which can quote the offending text).</summary>
    internal static string JsonProblem(JsonException ex) =>
        ex.BytePositionInLine is { } position ? $"syntax error at byte {position + 1}" : "syntax error";
}
