using FhirAdapter.Store.Quarantine;

namespace FhirAdapter.Store.Records;

/// <summary>
/// One atomic unit of reading: the records of a file (or a quarantine retry), the records it rejected, and the
/// file's checkpoint. Either all of it is stored or none of it, so a crash mid-file means the file is read again.
/// </summary>
public sealed record IngestBatch
{
    /// <summary>The file to checkpoint once its records are stored; null for records that came from elsewhere (a retry).</summary>
    public InboxFile? File { get; init; }

    public IReadOnlyList<RecordArrival> Records { get; init; } = [];

    /// <summary>Records that could not be used, to quarantine (an identical entry already there is not added twice).</summary>
    public IReadOnlyList<QuarantineEntry> Rejected { get; init; } = [];

    /// <summary>Quarantine entries whose retry succeeded with this batch: deleted with it.</summary>
    public IReadOnlyList<long> ResolvedQuarantineIds { get; init; } = [];

    /// <summary>The sync run that read the batch, for reporting.</summary>
    public long? SyncRunId { get; init; }
}
