namespace FhirAdapter.Store.Delivery;

/// <summary>A resource version waiting to go to a destination, with what is known of it there.</summary>
public sealed record PendingDelivery(
    string Destination,
    string PatientKey,
    string ResourceType,
    string Identifier,
    string LogicalId,
    string RequestUrl,
    string Json,
    string ContentHash,
    int Attempts,
    string? LastReason,
    string? ServerId,
    string? ServerVersion,
    DateTimeOffset QueuedAt);
