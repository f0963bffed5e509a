namespace FhirAdapter.Store.Delivery;

/// <summary>A destination as configured: a new one, or one whose address or organization changed, is backfilled.</summary>
public sealed record DestinationRegistration(string Name, string OrganizationId, string BaseUrl);
