namespace FhirAdapter.Store.Delivery;

/// <summary>Where a destination stands: patients with work pending or not permitted, and resources by status.</summary>
public sealed record DeliveryCounts(
    string Destination,
    long PendingPatients,
    long NotPermittedPatients,
    long Sent,
    long WaitingForRetry,
    long Conflicts,
    long Rejected,
    long Blocked,
    long Withheld,
    long Withdrawn);
