namespace FhirAdapter.Exchange.Sending;

/// <summary>One Bundle's outcome at one destination, entry by entry in the Bundle's order.</summary>
public sealed record DestinationResult(string Destination, IReadOnlyList<EntryResult> Entries)
{
    public int Sent => Entries.Count(e => e.Outcome == EntryOutcome.Sent);

    public int WaitingForRetry => Entries.Count(e => e.Outcome == EntryOutcome.RetryLater);

    public int Rejected => Entries.Count(e => e.Outcome == EntryOutcome.Rejected);
}
