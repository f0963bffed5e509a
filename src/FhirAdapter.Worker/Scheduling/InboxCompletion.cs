namespace FhirAdapter.Worker.Scheduling;

/// <summary>The values of <c>Adapter:InboxCompleteWhen</c>: how the scan tells that a practice system finished writing a file.</summary>
public static class InboxCompletion
{
    public const string Settled = "Settled";
    public const string Renamed = "Renamed";
    public const string Marker = "Marker";

    public static readonly IReadOnlyList<string> All = [Settled, Renamed, Marker];
}
