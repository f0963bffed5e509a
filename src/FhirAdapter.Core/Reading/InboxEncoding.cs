using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace FhirAdapter.Core.Reading;

/// <summary>
/// Decides a file's text encoding once, before any record is read, so that an encoding the readers cannot use gives
/// one error for the file rather than one per line. UTF-8 is read with or without a byte-order mark. UTF-16 (little or
/// big endian, by its byte-order mark, or by the zero bytes of its ASCII first characters as RFC 4627 detects JSON) is
/// read for NDJSON and JSON, on which the export contract is silent, and refused for CSV, which the contract says is
/// UTF-8. UTF-32 is refused.
/// </summary>
internal static class InboxEncoding
{
    /// <summary>What the readers get: a UTF-8 stream without a byte-order mark, or the reason the file cannot be read.</summary>
    /// <param name="Transcoded">True when the file was UTF-16: its length in bytes says little about its UTF-8 length.</param>
    public sealed record Opened(Stream? Utf8, RecordError? Refusal, bool Transcoded = false);

    private enum Kind
    {
        Utf8,
        Utf16LittleEndian,
        Utf16BigEndian,
        Utf32,
    }

    public static async Task<Opened> OpenAsync(Stream stream, string fileName, bool utf16Allowed, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var (kind, bom) = await DetectAsync(reader, cancellationToken).ConfigureAwait(false);
        var text = reader.AsStream(leaveOpen: false);
        switch (kind)
        {
            case Kind.Utf8:
                return new Opened(text, null);
            case Kind.Utf16LittleEndian or Kind.Utf16BigEndian when utf16Allowed:
                var encoding = kind == Kind.Utf16LittleEndian ? new UnicodeEncoding(false, false, true) : new UnicodeEncoding(true, false, true);
                return new Opened(Encoding.CreateTranscodingStream(text, encoding, Encoding.UTF8, leaveOpen: false), null, Transcoded: true);
            default:
                await text.DisposeAsync().ConfigureAwait(false);
                var name = kind == Kind.Utf32 ? "UTF-32" : "UTF-16";
                var why = kind == Kind.Utf32 || utf16Allowed ? "" : " (the export contract's encoding for CSV)";
                return new Opened(null, new RecordError(new SourceLocation(fileName), null, "",
                    $"this file is {name}{(bom ? "" : " without a byte-order mark")}; export it as UTF-8{why}. No record of it was read"));
        }
    }

    /// <summary>Looks at the first four bytes, consumes a byte-order mark and leaves everything else to be read.</summary>
    private static async Task<(Kind Kind, bool Bom)> DetectAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length < 4 && !result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            Span<byte> head = stackalloc byte[4];
            var length = (int)Math.Min(4, buffer.Length);
            buffer.Slice(0, length).CopyTo(head);
            head = head[..length];
            var (kind, bomLength) = Classify(head);
            reader.AdvanceTo(buffer.GetPosition(bomLength));
            return (kind, bomLength > 0);
        }
    }

    private static (Kind Kind, int BomLength) Classify(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xFE, 0x00, 0x00, ..] or [0x00, 0x00, 0xFE, 0xFF, ..] => (Kind.Utf32, 4),
        [not 0x00, 0x00, 0x00, 0x00] or [0x00, 0x00, 0x00, not 0x00] => (Kind.Utf32, 0),
        [0xEF, 0xBB, 0xBF, ..] => (Kind.Utf8, 3),
        [0xFF, 0xFE, ..] => (Kind.Utf16LittleEndian, 2),
        [0xFE, 0xFF, ..] => (Kind.Utf16BigEndian, 2),
        // No mark: the first characters of JSON or of a CSV header are ASCII, so UTF-16 shows as zero bytes between them.
        [not 0x00, 0x00, not 0x00, 0x00] => (Kind.Utf16LittleEndian, 0),
        [0x00, not 0x00, 0x00, not 0x00] => (Kind.Utf16BigEndian, 0),
        _ => (Kind.Utf8, 0),
    };
}
