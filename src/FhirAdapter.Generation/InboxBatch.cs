using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>
/// One batch of the inbox: the files for a run of consecutive patients, named so that name order is arrival
/// order (<c>0003_consents.json</c> &lt; <c>0003_intakes.ndjson</c> &lt; <c>0003_sessions.csv</c> &lt;
/// <c>0003_sessions.ndjson</c> &lt; <c>0003_updates.ndjson</c> &lt; <c>0004_...</c>). The updates file
/// carries what arrives after the records it follows: late intakes, corrections, revocations,
/// superseding and withdrawn sessions, repeats.
/// </summary>
internal sealed class InboxBatch : IDisposable
{
    private readonly GenerationCounts _counts;

    public InboxBatch(string directory, string prefix, IReadOnlyList<string> csvColumns, GenerationCounts counts)
    {
        _counts = counts;
        Consents = new JsonArraySink(directory, $"{prefix}_consents.json");
        Intakes = new NdjsonSink(directory, $"{prefix}_intakes.ndjson");
        SessionsCsv = new CsvSink(directory, $"{prefix}_sessions.csv", csvColumns);
        Sessions = new NdjsonSink(directory, $"{prefix}_sessions.ndjson");
        Updates = new NdjsonSink(directory, $"{prefix}_updates.ndjson");
    }

    public JsonArraySink Consents { get; }

    public NdjsonSink Intakes { get; }

    public CsvSink SessionsCsv { get; }

    public NdjsonSink Sessions { get; }

    public NdjsonSink Updates { get; }

    public void Update(RecordKind kind, byte[] json)
    {
        Updates.Write(json);
        _counts.Written(kind);
    }

    /// <summary>The files that received records, in name order.</summary>
    public IEnumerable<GeneratedFile> Files() =>
        new (string Name, int Records)[]
        {
            (Consents.Name, Consents.Records), (Intakes.Name, Intakes.Records), (SessionsCsv.Name, SessionsCsv.Records),
            (Sessions.Name, Sessions.Records), (Updates.Name, Updates.Records),
        }.Where(f => f.Records > 0).Select(f => new GeneratedFile(f.Name, f.Records));

    public void Dispose()
    {
        Consents.Dispose();
        Intakes.Dispose();
        SessionsCsv.Dispose();
        Sessions.Dispose();
        Updates.Dispose();
    }
}
