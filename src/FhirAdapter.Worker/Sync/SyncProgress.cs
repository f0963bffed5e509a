namespace FhirAdapter.Worker.Sync;

/// <summary>Where a sync pass is: the stage, how much of it is done, and the total when it is known.</summary>
public sealed record SyncProgress(string Stage, int Done, int? Total);
