using System.Runtime.CompilerServices;
using System.Text;

namespace FhirAdapter.Core.Reading;

/// <summary>
/// Reads an inbox folder: every <c>.ndjson</c>, <c>.json</c> and <c>.csv</c> file below it, in
/// ordinal name order so a run is repeatable, each streamed record by record. Names that a writer uses while a file
/// is not complete are never read: another extension (<c>x.ndjson.tmp</c>, <c>.part</c>, <c>.partial</c>), a name or
/// folder starting with a dot (<c>.x.ndjson</c>, rsync's and many tools' temporary files) or with <c>~</c> (office
/// lock and backup files).
/// </summary>
public static class InboxReader
{
    private static readonly string[] Extensions = [".ndjson", ".json", ".csv"];

    /// <summary>The files a run reads, as paths relative to the inbox.</summary>
    public static IReadOnlyList<string> ListFiles(string inbox)
    {
        ArgumentException.ThrowIfNullOrEmpty(inbox);
        if (!Directory.Exists(inbox))
        {
            throw new DirectoryNotFoundException($"The inbox folder '{inbox}' does not exist.");
        }

        return Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories)
            .Where(path => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Select(path => Path.GetRelativePath(inbox, path).Replace('\\', '/'))
            .Where(name => !IsTemporaryName(name))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>True for a path (relative to the inbox, '/'-separated) that a writer uses before the file is complete.</summary>
    public static bool IsTemporaryName(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return relativePath.Split('/').Any(part => part.StartsWith('.') || part.StartsWith('~'))
            || !Extensions.Contains(Path.GetExtension(relativePath), StringComparer.OrdinalIgnoreCase);
    }

    public static async IAsyncEnumerable<ReadItem> ReadDirectoryAsync(string inbox, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var file in ListFiles(inbox))
        {
            await foreach (var item in ReadFileAsync(Path.Combine(inbox, file), file, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    /// <summary>Reads one file; <paramref name="displayName"/> is how errors name it.</summary>
    public static async IAsyncEnumerable<ReadItem> ReadFileAsync(string path, string displayName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = OpenOrError(path, displayName, out var error);
        if (stream is null)
        {
            yield return ReadItem.Invalid(error!);
            yield break;
        }

        await using (stream.ConfigureAwait(false))
        {
            await foreach (var item in ReadStreamAsync(stream, displayName, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// Reads a stream in the format its name's extension says. Its encoding is decided first (see
    /// <see cref="InboxEncoding"/>): one the format does not allow gives one error for the whole file.
    /// </summary>
    public static IAsyncEnumerable<ReadItem> ReadStreamAsync(Stream stream, string displayName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(displayName);
        var extension = Path.GetExtension(displayName).ToLowerInvariant();
        if (extension is not (".ndjson" or ".json" or ".csv"))
        {
            throw new ArgumentException($"'{displayName}' is not an .ndjson, .json or .csv file.", nameof(displayName));
        }

        return ReadDecodedAsync(stream, displayName, extension, cancellationToken);
    }

    private static async IAsyncEnumerable<ReadItem> ReadDecodedAsync(
        Stream stream, string displayName, string extension, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long? length = stream.CanSeek ? stream.Length - stream.Position : null;
        var opened = await InboxEncoding.OpenAsync(stream, displayName, utf16Allowed: extension != ".csv", cancellationToken).ConfigureAwait(false);
        if (opened.Utf8 is not { } text)
        {
            yield return ReadItem.Invalid(opened.Refusal!);
            yield break;
        }

        await using (text.ConfigureAwait(false))
        {
            var items = extension switch
            {
                ".ndjson" => NdjsonReader.ReadAsync(text, displayName, cancellationToken),
                ".json" => JsonFileReader.ReadAsync(text, displayName, opened.Transcoded ? null : length, cancellationToken),
                _ => CsvSessionReader.ReadAsync(text, displayName, cancellationToken),
            };
            var enumerator = items.GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    ReadItem? failure = null;
                    try
                    {
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (DecoderFallbackException)
                    {
                        // UTF-16 with a broken surrogate pair: the text cannot be decoded past this point.
                        failure = ReadItem.Invalid(new RecordError(new SourceLocation(displayName), null, "",
                            "the file's UTF-16 text is broken (an unpaired surrogate); the records before it were read, the rest could not be: export it as UTF-8"));
                    }

                    if (failure is not null)
                    {
                        yield return failure;
                        yield break;
                    }

                    yield return enumerator.Current;
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads a quarantined record again from its raw text: JSON for NDJSON and JSON files, the cells by column for
    /// a CSV row. Used by a quarantine retry once the cause is fixed.
    /// </summary>
    public static ReadItem Reparse(SourceLocation source, string rawText)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rawText);
        try
        {
            if (Path.GetExtension(source.File).Equals(".csv", StringComparison.OrdinalIgnoreCase))
            {
                // A well-formed row is kept as its cells by column; a malformed one only as the raw line, which
                // cannot be read without the file: it has to be fixed and exported again.
                var cells = rawText.StartsWith('{') ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(rawText) : null;
                var row = cells is null
                    ? ReadItem.Invalid(new RecordError(source, null, "", "the CSV row is malformed; fix it in the export and export it again"))
                    : CsvSessionReader.ReadRow(cells, source);
                return row.Record is null ? row with { RawText = rawText } : row;
            }

            using var document = System.Text.Json.JsonDocument.Parse(rawText);
            var item = RecordParser.Parse(document.RootElement, source);
            return item.Record is null ? item with { RawText = rawText } : item;
        }
        catch (System.Text.Json.JsonException ex)
        {
            return ReadItem.Invalid(new RecordError(source, null, "", $"is not valid JSON ({NdjsonReader.JsonProblem(ex)})")) with { RawText = rawText };
        }
    }

    private static FileStream? OpenOrError(string path, string displayName, out RecordError? error)
    {
        error = null;
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = new RecordError(new SourceLocation(displayName), null, "", $"the file could not be opened ({ex.GetType().Name})");
            return null;
        }
    }
}
