using FhirAdapter.Store.Delivery;

namespace FhirAdapter.Store.Operations;

/// <summary>
/// A resource a destination refused (<see cref="DeliveryStatus.Rejected"/>) or that waits for a retry (pending with a
/// reason), named by patient key and logical id: never by identifier, which for a Patient is the MRN.
/// </summary>
public sealed record DeliveryProblem(
    string Destination,
    string PatientKey,
    string ResourceType,
    string LogicalId,
    DeliveryStatus Status,
    int Attempts,
    string Reason,
    DateTimeOffset At);
