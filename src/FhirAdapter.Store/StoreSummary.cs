using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Runs;

namespace FhirAdapter.Store;

/// <summary>What <c>status</c> shows.</summary>
/// <param name="CurrentRecords">Records with a current version.</param>
/// <param name="HeldTooLong">Held records older than the warning age asked for.</param>
public sealed record StoreSummary(
    long CurrentRecords,
    long DirtyPatients,
    long Held,
    long HeldTooLong,
    long Quarantined,
    IReadOnlyList<DeliveryCounts> Deliveries,
    SyncRun? LastRun);
