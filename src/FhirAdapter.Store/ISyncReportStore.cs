using FhirAdapter.Store.Operations;

namespace FhirAdapter.Store;

/// <summary>Each finished sync's full report, stored beside its run, for the console's history and charts.</summary>
public interface ISyncReportStore
{
    /// <summary>Stores the serialized report of a run (replacing one stored before).</summary>
    Task SaveSyncReportAsync(long runId, string reportJson, CancellationToken cancellationToken);

    /// <summary>The latest runs with their reports, newest first.</summary>
    Task<IReadOnlyList<SyncRunReport>> GetSyncReportsAsync(int limit, CancellationToken cancellationToken);

    Task<SyncRunReport?> GetSyncReportAsync(long runId, CancellationToken cancellationToken);
}
