using System.Globalization;
using System.Text;
using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>
/// The list of deliberately invalid records, written as they are made (so memory stays flat):
/// tab-separated, with the position the reader will report (NDJSON line, CSV row, JSON array index).
/// Its .tsv extension keeps it out of what the inbox reader reads.
/// </summary>
internal sealed class InvalidManifest : IDisposable
{
    private readonly StreamWriter _writer;

    public InvalidManifest(string path)
    {
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        _writer.WriteLine("file\tposition\trecordId\tkind\tstage\tdefect");
    }

    public int Count { get; private set; }

    public int ByMapping { get; private set; }

    public void Add(string file, int position, string recordId, RecordKind kind, Defect defect)
    {
        Count++;
        if (defect.ByMapping)
        {
            ByMapping++;
        }

        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{file}\t{position}\t{recordId}\t{kind.ToString().ToLowerInvariant()}\t{(defect.ByMapping ? "map" : "read")}\t{defect.Name}"));
    }

    public void Dispose() => _writer.Dispose();
}
