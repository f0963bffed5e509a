namespace FhirAdapter.Operations.Sync;

/// <summary>The service's sync, as the console sees it: what runs now, and "sync now". One sync at a time per instance.</summary>
public interface ISyncControl
{
    /// <summary>This instance's owner id in leases and sync runs.</summary>
    string InstanceId { get; }

    SyncActivity Current { get; }

    /// <summary>Starts a sync in the background; false (nothing started) while one is running on this instance.</summary>
    bool TryStartNow(string requestedBy);
}
