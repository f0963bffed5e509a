using FhirAdapter.Store.Disclosures;

namespace FhirAdapter.Store.Delivery;

/// <summary>
/// One patient's delivery to one destination, stored atomically with its disclosure entry: the outcome of every
/// resource sent or decided, and whether the patient stays pending there (it does while an outcome waits for a retry
/// or a conflict, or when its data changed again since <see cref="QueueSequence"/>).
/// </summary>
public sealed record DeliveryReport(string Destination, string PatientKey, IReadOnlyList<DeliveryOutcome> Outcomes)
{
    /// <summary>The accounting-of-disclosures entry for what was sent (stored in the same transaction).</summary>
    public Disclosure? Disclosure { get; init; }

    /// <summary>When set, the unit is only stored if this worker still holds the patient's lease.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>The patient's queue sequence at this destination when delivery was claimed (<see cref="Leases.PatientLease.Generation"/>).</summary>
    public long QueueSequence { get; init; }
}
