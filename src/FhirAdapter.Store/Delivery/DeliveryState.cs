namespace FhirAdapter.Store.Delivery;

/// <summary>
/// What one destination holds of one resource, keyed by the resource's identity (type and business identifier), so
/// that a resource many patients share has one state per destination.
/// </summary>
/// <param name="PatientKey">The patient whose Bundle the resource last went with; <see cref="StoreKeys.Shared"/> for a shared one.</param>
/// <param name="ContentHash">The mapped version (the store's content hash) the last outcome is about.</param>
/// <param name="SentHash">Hash of the resource as the destination accepted it (ids and server-managed meta left out), or
/// null if it holds nothing of ours: a later send goes only when the resource as it would be sent hashes otherwise.</param>
/// <param name="ServerId">The destination's id, once known: later writes go by id.</param>
public sealed record DeliveryState(
    string Destination,
    string PatientKey,
    string ResourceType,
    string Identifier,
    DeliveryStatus Status,
    string ContentHash,
    string? SentHash,
    int Attempts,
    string? ServerId,
    string? ServerVersion,
    DateTimeOffset? SentAt,
    string? Reason,
    string? OperationOutcomeJson,
    DateTimeOffset UpdatedAt);
