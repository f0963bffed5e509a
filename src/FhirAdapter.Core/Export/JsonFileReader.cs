using System.Runtime.CompilerServices;
using System.Text.Json;

namespace FhirAdapter.Core.Export;

/// <summary>
/// Reads a <c>.json</c> file: one record, or an array of records streamed element by element.
/// A syntax error ends the file there (JSON cannot be resynchronized), keeping what came before.
/// </summary>
internal static class JsonFileReader
{
    public static async IAsyncEnumerable<ReadItem> ReadAsync(Stream stream, string fileName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The JSON reader peeks at the first byte and needs a seekable stream.", nameof(stream));
        }

        var buffered = stream;
        var first = await FirstSignificantByteAsync(buffered, cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            yield return ReadItem.Invalid(new RecordError(new SourceLocation(fileName), null, "", "the file is empty"));
            yield break;
        }

        if (first != (byte)'[')
        {
            yield return await ReadSingleAsync(buffered, fileName, cancellationToken).ConfigureAwait(false);
            yield break;
        }

        var elements = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(buffered, cancellationToken: cancellationToken);
        var enumerator = elements.GetAsyncEnumerator(cancellationToken);
        var index = 0;
        try
        {
            while (true)
            {
                ReadItem? failure = null;
                JsonElement element = default;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    element = enumerator.Current;
                }
                catch (JsonException ex)
                {
                    var where = ex.LineNumber is { } line ? $"line {line + 1}" : "the end of the file";
                    failure = ReadItem.Invalid(new RecordError(new SourceLocation(fileName, Index: index), null, "",
                        $"is not valid JSON ({NdjsonReader.JsonProblem(ex)} on {where}); the rest of the file could not be read"));
                }

                if (failure is not null)
                {
                    yield return failure;
                    yield break;
                }

                var source = new SourceLocation(fileName, Index: index);
                var raw = element.GetRawText();
                if (System.Text.Encoding.UTF8.GetByteCount(raw) > RecordParser.MaxRecordBytes)
                {
                    yield return ReadItem.Invalid(RecordParser.TooLarge(source));
                }
                else
                {
                    var item = RecordParser.Parse(element, source);
                    yield return item.Record is null ? item with { RawText = raw } : item;
                }

                index++;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<ReadItem> ReadSingleAsync(Stream stream, string fileName, CancellationToken cancellationToken)
    {
        var source = new SourceLocation(fileName);
        if (stream.CanSeek && stream.Length > RecordParser.MaxRecordBytes)
        {
            return ReadItem.Invalid(RecordParser.TooLarge(source));
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var item = RecordParser.Parse(document.RootElement, source);
            return item.Record is null ? item with { RawText = document.RootElement.GetRawText() } : item;
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" on line {line + 1}" : "";
            return ReadItem.Invalid(new RecordError(source, null, "", $"is not valid JSON ({NdjsonReader.JsonProblem(ex)}{where})"));
        }
    }

    /// <summary>Peeks past whitespace and a UTF-8 BOM, then rewinds so the parser sees the whole file.</summary>
    private static async Task<byte?> FirstSignificantByteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var start = stream.CanSeek ? stream.Position : 0;
        var one = new byte[1];
        byte? found = null;
        while (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1)
        {
            if (one[0] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            found = one[0];
            break;
        }

        stream.Seek(start, SeekOrigin.Begin);
        return found;
    }
}
