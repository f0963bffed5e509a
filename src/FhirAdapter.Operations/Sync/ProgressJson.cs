namespace FhirAdapter.Operations.Sync;

/// <summary>What the Now page's script polls: the running sync's stage and counts, in words ready to show.</summary>
internal sealed record ProgressJson(bool Running, string? Trigger, string? Stage, int Done, int? Total, int? Percent, string? Rate, string? TimeLeft, long Generation)
{
    public static ProgressJson From(SyncActivity a) => new(
        a.Running, a.Trigger, a.Stage, a.Done, a.Total,
        a.Total is > 0 and var t ? Math.Min(100, a.Done * 100 / t) : null,
        a.RatePerSecond is { } r ? $"{r:0.#} a second" : null,
        a.TimeLeft is { } left ? Format.Duration(left) : null,
        a.Generation);
}
