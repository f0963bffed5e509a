using System.Text;

namespace FhirAdapter.Generation;

/// <summary>
/// A sessions CSV file (RFC 4180: CRLF, fields quoted when they hold a comma, quote or line break),
/// with the columns in the given order; a column the contract does not know is filled as a chair number.
/// </summary>
internal sealed class CsvSink : IDisposable
{
    /// <summary>A cell with this key is written after the last column: a row one cell too long.</summary>
    public const string ExtraCell = "\u0001extra";

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private readonly string _path;
    private readonly IReadOnlyList<string> _columns;
    private StreamWriter? _writer;

    public CsvSink(string directory, string name, IReadOnlyList<string> columns)
    {
        Name = name;
        _path = Path.Combine(directory, name);
        _columns = columns;
    }

    public string Name { get; }

    public int Records { get; private set; }

    /// <summary>Writes one row; returns its row number (1 = the first after the header), as the reader will name it.</summary>
    public int Write(IReadOnlyDictionary<string, string> cells)
    {
        if (_writer is null)
        {
            _writer = new StreamWriter(_path, append: false, Utf8, 64 * 1024) { NewLine = "\r\n" };
            _writer.WriteLine(string.Join(',', _columns.Select(Escape)));
        }

        Records++;
        var row = _columns.Select(c => cells.TryGetValue(c, out var value) ? value : ExtraColumn(c));
        if (cells.ContainsKey(ExtraCell))
        {
            row = row.Append(cells[ExtraCell]);
        }

        _writer.WriteLine(string.Join(',', row.Select(Escape)));
        return Records;
    }

    public void Dispose() => _writer?.Dispose();

    private string ExtraColumn(string column) => column == "chair" ? $"C{(Records % 6) + 1}" : "";

    internal static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
