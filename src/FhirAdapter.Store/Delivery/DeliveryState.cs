namespace FhirAdapter.Store.Delivery;

/// <summary>One resource's delivery row at one destination.</summary>
/// <param name="ContentHash">The version this row is about (pending: to send; sent: the one sent).</param>
public sealed record DeliveryState(
    string Destination,
    string PatientKey,
    string ResourceType,
    string Identifier,
    DeliveryStatus Status,
    string ContentHash,
    int Attempts,
    string? ServerId,
    string? ServerVersion,
    DateTimeOffset? SentAt,
    string? Reason,
    string? OperationOutcomeJson,
    DateTimeOffset QueuedAt);
