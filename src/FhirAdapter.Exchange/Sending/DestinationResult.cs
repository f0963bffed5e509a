namespace FhirAdapter.Exchange.Sending;

/// <summary>One Bundle's outcome at one destination, entry by entry in the Bundle's order.</summary>
public sealed record DestinationResult(string Destination, string PatientKey, IReadOnlyList<EntryResult> Entries)
{
    public bool AllSent => Entries.All(e => e.Outcome == EntryOutcome.Sent);

    public int Sent => Count(EntryOutcome.Sent);

    public int WaitingForRetry => Count(EntryOutcome.RetryLater);

    public int Conflicts => Count(EntryOutcome.Conflict);

    public int Rejected => Count(EntryOutcome.Rejected);

    public int Count(EntryOutcome outcome) => Entries.Count(e => e.Outcome == outcome);
}
