using FhirAdapter.Store.Delivery;

namespace FhirAdapter.Store.Operations;

/// <summary>One of a patient's resources at one destination: what was sent where and when.</summary>
public sealed record PatientDelivery(
    string Destination,
    string ResourceType,
    string LogicalId,
    DeliveryStatus Status,
    int Attempts,
    DateTimeOffset QueuedAt,
    DateTimeOffset? SentAt,
    string? ServerId,
    string? ServerVersion,
    string? Reason);
