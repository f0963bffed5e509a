namespace FhirAdapter.Generation;

/// <summary>An NDJSON file written record by record; now and then a blank line, which the contract allows.</summary>
internal sealed class NdjsonSink : IDisposable
{
    private const int BlankLineEvery = 500;
    private readonly string _path;
    private FileStream? _stream;
    private int _line;

    public NdjsonSink(string directory, string name)
    {
        Name = name;
        _path = Path.Combine(directory, name);
    }

    public string Name { get; }

    public int Records { get; private set; }

    /// <summary>Writes one record; returns its line number, as the reader will name it.</summary>
    public int Write(ReadOnlySpan<byte> json)
    {
        _stream ??= new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        if (Records > 0 && Records % BlankLineEvery == 0)
        {
            _stream.WriteByte((byte)'\n');
            _line++;
        }

        _stream.Write(json);
        _stream.WriteByte((byte)'\n');
        Records++;
        return ++_line;
    }

    public void Dispose() => _stream?.Dispose();
}
