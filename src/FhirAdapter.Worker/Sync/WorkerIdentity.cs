namespace FhirAdapter.Worker.Sync;

/// <summary>Who this worker is in leases and sync runs: unique per process, readable in <c>status</c>.</summary>
public sealed class WorkerIdentity
{
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}
