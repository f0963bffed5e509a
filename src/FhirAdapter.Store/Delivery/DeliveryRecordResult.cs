namespace FhirAdapter.Store.Delivery;

/// <summary>What recording a <see cref="DeliveryReport"/> did.</summary>
/// <param name="StillPending">Whether the patient stays pending at the destination.</param>
public sealed record DeliveryRecordResult(int Sent, int Rejected, int Waiting, bool StillPending);
