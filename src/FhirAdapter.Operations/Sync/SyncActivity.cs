namespace FhirAdapter.Operations.Sync;

/// <summary>What the sync of this instance is doing now, for the Now page's live progress.</summary>
/// <param name="Trigger">Who started it, as words that follow "Started": "by the schedule", "at the service's start", "by alice".</param>
/// <param name="Total">The stage's total when known (files; patients to map, counted when mapping starts).</param>
/// <param name="RatePerSecond">Items of this stage done per second since the stage began.</param>
public sealed record SyncActivity(
    bool Running,
    string? Trigger,
    DateTimeOffset? StartedAt,
    string? Stage,
    int Done,
    int? Total,
    double? RatePerSecond,
    TimeSpan? TimeLeft,
    long Generation)
{
    public static readonly SyncActivity Idle = new(false, null, null, null, 0, null, null, null, 0);

    /// <summary>When the last sync of this instance stopped on an error: the error's type (the log has the rest); null after a sync that finished.</summary>
    public string? LastFailure { get; init; }
}
