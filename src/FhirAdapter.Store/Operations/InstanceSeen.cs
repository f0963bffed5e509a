namespace FhirAdapter.Store.Operations;

/// <summary>A worker instance sharing the store: the owner id it uses in leases and sync runs.</summary>
/// <param name="LastSyncAt">When its latest sync run started, if it ran one in the period asked for.</param>
/// <param name="LeasesHeld">Leases (patients, ticks) it holds that have not expired.</param>
public sealed record InstanceSeen(string Owner, DateTimeOffset? LastSyncAt, int LeasesHeld);
