using FhirAdapter.Store.Disclosures;

namespace FhirAdapter.Store.Delivery;

/// <summary>One send to one destination for one patient, stored atomically with its disclosure entry.</summary>
public sealed record DeliveryReport(string Destination, string PatientKey, IReadOnlyList<DeliveryOutcome> Outcomes)
{
    /// <summary>The accounting-of-disclosures entry for what was sent (stored in the same transaction).</summary>
    public Disclosure? Disclosure { get; init; }

    /// <summary>When set, the unit is only stored if this worker still holds the patient's lease.</summary>
    public string? LeaseOwner { get; init; }
}
