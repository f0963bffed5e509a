namespace FhirAdapter.Store.Delivery;

/// <summary>What recording a <see cref="DeliveryReport"/> did.</summary>
/// <param name="Ignored">Outcomes for resources the store no longer knows for this patient.</param>
/// <param name="StillPending">Outcomes that left the row pending (a retry, or an older version than the current one).</param>
public sealed record DeliveryRecordResult(int Sent, int Rejected, int StillPending, int Ignored);
