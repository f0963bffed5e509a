namespace FhirAdapter.Store.Runs;

/// <summary>One sync run; <see cref="Outcome"/> is null while running, or when its worker died before finishing it.</summary>
public sealed record SyncRun(long Id, string Owner, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, SyncRunOutcome? Outcome, SyncRunCounts Counts);
