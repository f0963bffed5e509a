using BenchmarkDotNet.Attributes;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// Reading (InboxReader.ReadStreamAsync: parse, field checks, content hash) per file kind, from memory. Each
/// invocation reads every file of that kind in the corpus; per record = mean / records (printed at setup).
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private (string Name, byte[] Bytes)[] _files = [];

    /// <summary>The file kind: the part of the generated file name after the export number.</summary>
    [Params("consents.json", "intakes.ndjson", "sessions.csv", "sessions.ndjson", "updates.ndjson")]
    public string FileKind { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _files = Corpus.Instance.Files.Where(f => f.Name.EndsWith("_" + FileKind, StringComparison.Ordinal)).ToArray();
        var records = _files.Sum(f => Corpus.ReadAll(f.Name, f.Bytes).Count);
        Console.WriteLine($"// {FileKind}: {_files.Length} files, {records} records, {_files.Sum(f => f.Bytes.Length)} bytes");
    }

    [Benchmark]
    public async Task<int> Read()
    {
        var count = 0;
        foreach (var (name, bytes) in _files)
        {
            await foreach (var item in FhirAdapter.Core.Reading.InboxReader.ReadStreamAsync(new MemoryStream(bytes, writable: false), name).ConfigureAwait(false))
            {
                if (item.Record is not null)
                    count++;
            }
        }

        return count;
    }
}
