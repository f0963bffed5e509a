namespace FhirAdapter.Worker.Sync;

/// <summary>One sync pass: pick up what changed in the inbox, map, validate, store and deliver it.</summary>
public interface ISyncRunner
{
    Task<SyncReport> RunOnceAsync(CancellationToken cancellationToken) => RunOnceAsync(null, cancellationToken);

    /// <summary>The same, reporting each file read and each patient mapped and delivered.</summary>
    Task<SyncReport> RunOnceAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken);
}
