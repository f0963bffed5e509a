namespace FhirAdapter.Store.Delivery;

/// <summary>
/// The result of sending one resource version. <see cref="ContentHash"/> names the version that was sent: if the
/// resource changed meanwhile, the server id is kept but the newer version stays pending.
/// </summary>
public sealed record DeliveryOutcome(
    string ResourceType,
    string Identifier,
    string ContentHash,
    DeliveryOutcomeKind Kind,
    string? ServerId = null,
    string? ServerVersion = null,
    string? Reason = null,
    string? OperationOutcomeJson = null);
