namespace FhirAdapter.Store.Delivery;

/// <summary>Resources per delivery state at one destination.</summary>
public sealed record DeliveryCounts(string Destination, long Pending, long Sent, long Rejected, long Cancelled);
