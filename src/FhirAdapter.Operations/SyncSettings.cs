namespace FhirAdapter.Operations;

/// <summary>
/// The worker's settings the console shows (<c>Adapter:Schedule</c>, <c>Adapter:HeldWarningAfter</c>): the host that
/// binds and validates them registers them; without one, the worker's defaults.
/// </summary>
public sealed record SyncSettings(string Schedule, TimeSpan HeldWarningAfter)
{
    public static SyncSettings Default { get; } = new("*/5 * * * *", TimeSpan.FromDays(3));
}
