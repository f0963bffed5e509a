using FhirAdapter.Store.Delivery;

namespace FhirAdapter.Store;

/// <summary>Delivery state per destination per resource.</summary>
public interface IDeliveryStore
{
    /// <summary>Pending work at a destination, by patient then Bundle order.</summary>
    Task<IReadOnlyList<PendingDelivery>> GetPendingAsync(string destination, int limit, CancellationToken cancellationToken);

    /// <summary>One patient's pending work at a destination, in Bundle order.</summary>
    Task<IReadOnlyList<PendingDelivery>> GetPendingForPatientAsync(string destination, string patientKey, CancellationToken cancellationToken);

    /// <summary>Stores the outcomes of one send (and its disclosure) atomically.</summary>
    /// <exception cref="LeaseLostException">A lease owner was named and no longer holds the lease; nothing was stored.</exception>
    Task<DeliveryRecordResult> RecordDeliveryAsync(DeliveryReport report, CancellationToken cancellationToken);

    /// <summary>One resource's state at one destination, or null if it was never queued there.</summary>
    Task<DeliveryState?> GetDeliveryAsync(string destination, string patientKey, string resourceType, string identifier, CancellationToken cancellationToken);

    /// <summary>The state of the resource with this conditional request URL at a destination (for the exchange's ledger).</summary>
    Task<DeliveryState?> FindByRequestUrlAsync(string destination, string requestUrl, CancellationToken cancellationToken);

    /// <summary>Cancels pending work of a patient, at one destination or (null) all; returns how many rows.</summary>
    Task<int> CancelPendingAsync(string patientKey, string? destination, string reason, CancellationToken cancellationToken);

    /// <summary>Counts per state per destination.</summary>
    Task<IReadOnlyList<DeliveryCounts>> CountDeliveriesAsync(CancellationToken cancellationToken);
}
