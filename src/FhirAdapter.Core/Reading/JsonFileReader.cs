using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace FhirAdapter.Core.Reading;

/// <summary>
/// Reads a <c>.json</c> file: one record, or an array of records streamed element by element.
/// A syntax error ends the file there (JSON cannot be resynchronized), keeping what came before.
/// </summary>
internal static class JsonFileReader
{
    /// <param name="length">The file's length in bytes where known: a single record over the limit is refused unread.</param>
    public static async IAsyncEnumerable<ReadItem> ReadAsync(Stream stream, string fileName, long? length, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var first = await FirstSignificantByteAsync(reader, cancellationToken).ConfigureAwait(false);
        var buffered = reader.AsStream();
        await using var _ = buffered.ConfigureAwait(false);
        if (first is null)
        {
            yield return ReadItem.Invalid(new RecordError(new SourceLocation(fileName), null, "", "the file is empty"));
            yield break;
        }

        if (first != (byte)'[')
        {
            yield return await ReadSingleAsync(buffered, fileName, length, cancellationToken).ConfigureAwait(false);
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

    private static async Task<ReadItem> ReadSingleAsync(Stream stream, string fileName, long? length, CancellationToken cancellationToken)
    {
        var source = new SourceLocation(fileName);
        if (length > RecordParser.MaxRecordBytes)
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

    /// <summary>Peeks past leading whitespace without consuming anything, so the parser sees the whole file.</summary>
    private static async Task<byte?> FirstSignificantByteAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            byte? found = null;
            foreach (var segment in buffer)
            {
                var index = segment.Span.IndexOfAnyExcept(" \t\r\n"u8);
                if (index >= 0)
                {
                    found = segment.Span[index];
                    break;
                }
            }

            if (found is not null || result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start);
                return found;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
