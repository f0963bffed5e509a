namespace FhirAdapter.Worker.Sync;

/// <summary>One sync pass: pick up what changed in the inbox, map, validate, store and deliver it.</summary>
public interface ISyncRunner
{
    Task<SyncReport> RunOnceAsync(CancellationToken cancellationToken) => RunOnceAsync(null, cancellationToken);

    /// <summary>
    /// A pass someone asked for (<c>sync --once</c>, the pass at start): it always reads the inbox, whatever other
    /// instances did, then maps and delivers.
    /// </summary>
    Task<SyncReport> RunOnceAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// The pass of one scheduled time, <paramref name="tick"/> (the cron occurrence, the same on every instance on that
    /// schedule). It reads the inbox only if this instance is the first to claim the tick, so the scan runs once per
    /// tick across all instances; every instance still maps and delivers its share of the work.
    /// </summary>
    Task<SyncReport> RunTickAsync(DateTimeOffset tick, CancellationToken cancellationToken);

    /// <summary>The pass of one scheduled time, reporting its progress (for the console's live view).</summary>
    Task<SyncReport> RunTickAsync(DateTimeOffset tick, IProgress<SyncProgress>? progress, CancellationToken cancellationToken) => RunTickAsync(tick, cancellationToken);
}
