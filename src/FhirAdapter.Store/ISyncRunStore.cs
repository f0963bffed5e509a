using FhirAdapter.Store.Runs;

namespace FhirAdapter.Store;

/// <summary>Sync runs, for <c>status</c>.</summary>
public interface ISyncRunStore
{
    Task<SyncRun> StartSyncRunAsync(string owner, CancellationToken cancellationToken);

    Task FinishSyncRunAsync(long id, SyncRunOutcome outcome, SyncRunCounts counts, CancellationToken cancellationToken);

    /// <summary>The latest runs, newest first.</summary>
    Task<IReadOnlyList<SyncRun>> GetRecentSyncRunsAsync(int limit, CancellationToken cancellationToken);
}
