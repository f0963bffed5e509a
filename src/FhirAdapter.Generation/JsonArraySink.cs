using System.Text.Json;

namespace FhirAdapter.Generation;

/// <summary>A JSON file holding an array of records, streamed element by element.</summary>
internal sealed class JsonArraySink : IDisposable
{
    private const int FlushAt = 64 * 1024;
    private readonly string _path;
    private FileStream? _stream;
    private Utf8JsonWriter? _writer;

    public JsonArraySink(string directory, string name)
    {
        Name = name;
        _path = Path.Combine(directory, name);
    }

    public string Name { get; }

    public int Records { get; private set; }

    /// <summary>Writes one record; returns its index in the array, as the reader will name it.</summary>
    public int Write(ReadOnlySpan<byte> json)
    {
        if (_writer is null)
        {
            _stream = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
            _writer = new Utf8JsonWriter(_stream, new JsonWriterOptions { Indented = true, Encoder = JsonRecord.Encoder });
            _writer.WriteStartArray();
        }

        // Re-read so the writer can indent it as the clinic's arrays are (one field a line); JSON files never hold broken syntax.
        using (var document = JsonDocument.Parse(json.ToArray()))
        {
            document.WriteTo(_writer);
        }

        if (_writer.BytesPending > FlushAt)
        {
            _writer.Flush(); // the writer buffers until flushed: keep that buffer small
        }

        return Records++;
    }

    public void Dispose()
    {
        if (_writer is not null)
        {
            _writer.WriteEndArray();
            _writer.Flush();
            _writer.Dispose();
            _stream!.WriteByte((byte)'\n');
        }

        _stream?.Dispose();
    }
}
