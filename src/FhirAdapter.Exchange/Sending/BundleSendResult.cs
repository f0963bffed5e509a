namespace FhirAdapter.Exchange.Sending;

/// <summary>One Bundle's outcome at every destination it went to.</summary>
public sealed record BundleSendResult(string PatientKey, IReadOnlyList<DestinationResult> Destinations)
{
    public bool AllSent => Destinations.All(d => d.Sent == d.Entries.Count);
}
