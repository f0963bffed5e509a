namespace FhirAdapter.Store.Delivery;

/// <summary>
/// What one send did to one resource at a destination (or why it was not sent).
/// </summary>
/// <param name="ContentHash">The mapped version this outcome is about (the store's content hash; for an entry the delivery
/// added, such as the disclosure notice, its <paramref name="SentHash"/>).</param>
/// <param name="SentHash">Hash of the resource as sent (see <see cref="DeliveryState.SentHash"/>): kept as what the
/// destination holds when the outcome is <see cref="DeliveryStatus.Sent"/>.</param>
/// <param name="ServerId">The destination's id: required for Sent, kept whenever given (an entry can be stored and yet wait).</param>
public sealed record DeliveryOutcome(
    string ResourceType,
    string Identifier,
    string ContentHash,
    DeliveryStatus Kind,
    string? SentHash = null,
    string? ServerId = null,
    string? ServerVersion = null,
    string? Reason = null,
    string? OperationOutcomeJson = null);
