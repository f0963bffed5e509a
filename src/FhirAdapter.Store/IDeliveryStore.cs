using FhirAdapter.Store.Delivery;

namespace FhirAdapter.Store;

/// <summary>
/// Delivery per destination: which patients have work pending there (<see cref="ILeaseStore.ClaimPendingPatientsAsync"/>),
/// and what the destination holds of every resource, keyed by the resource's identity.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>
    /// Makes the store's list of destinations the configured one. A destination new to the store, or whose BaseUrl or
    /// OrganizationId changed, is backfilled: every mapped patient (and the Questionnaires) is queued for it, and after a
    /// BaseUrl change what the store knew of the old address is forgotten. Returns the destinations backfilled.
    /// </summary>
    Task<IReadOnlyList<DestinationBackfill>> RegisterDestinationsAsync(IReadOnlyList<DestinationRegistration> destinations, CancellationToken cancellationToken);

    /// <summary>The states of every resource that last went with this patient's Bundle to the destination (removed ones included).</summary>
    Task<IReadOnlyList<DeliveryState>> GetDeliveryStatesAsync(string destination, string patientKey, CancellationToken cancellationToken);

    /// <summary>The states of the shared resources (<see cref="StoreKeys.Shared"/>) at the destination.</summary>
    Task<IReadOnlyList<DeliveryState>> GetSharedDeliveryStatesAsync(string destination, CancellationToken cancellationToken);

    /// <summary>One resource's state at a destination, or null if nothing was ever sent or decided for it there.</summary>
    Task<DeliveryState?> GetDeliveryAsync(string destination, string resourceType, string identifier, CancellationToken cancellationToken);

    /// <summary>Stores the outcomes of one patient's send (and its disclosure) atomically, and clears the patient's pending
    /// work unless an outcome waits or the patient was queued again meanwhile.</summary>
    /// <exception cref="LeaseLostException">A lease owner was named and no longer holds the lease; nothing was stored.</exception>
    Task<DeliveryRecordResult> RecordDeliveryAsync(DeliveryReport report, CancellationToken cancellationToken);

    /// <summary>Stores the outcomes of writing shared resources to a destination, under its <see cref="StoreKeys.SharedResources"/> lease.</summary>
    /// <exception cref="LeaseLostException">A lease owner was named and no longer holds that lease; nothing was stored.</exception>
    Task RecordSharedDeliveryAsync(string destination, IReadOnlyList<DeliveryOutcome> outcomes, string? leaseOwner, CancellationToken cancellationToken);

    /// <summary>
    /// The consent does not permit the patient's data at a destination (or, destination null, at any): clears its pending
    /// work there and marks it not permitted. Returns how many of its resources the destination does not hold in their
    /// current version, where the patient was permitted when queued (the work a revocation or an expiry cancelled).
    /// </summary>
    Task<int> CancelPendingAsync(string patientKey, string? destination, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Sends again what a destination lost: forgets what it holds of one patient's resources (or, patient null, of every
    /// resource, shared ones included) and queues the patient (or every patient). Writes stay conditional on the
    /// identifiers, so what the destination still has is updated, not duplicated. Returns the patients queued.
    /// </summary>
    Task<int> ResendAsync(string destination, string? patientKey, CancellationToken cancellationToken);

    /// <summary>Resource states of one kind at a destination (e.g. the rejections and their reasons), oldest first.</summary>
    Task<IReadOnlyList<DeliveryState>> ListDeliveriesAsync(string destination, DeliveryStatus status, int limit, CancellationToken cancellationToken);

    /// <summary>Counts per destination.</summary>
    Task<IReadOnlyList<DeliveryCounts>> CountDeliveriesAsync(CancellationToken cancellationToken);
}
