namespace FhirAdapter.Store.Delivery;

/// <summary>A destination <see cref="IDeliveryStore.RegisterDestinationsAsync"/> queued every patient for.</summary>
/// <param name="Reason">Why: new, or its BaseUrl or OrganizationId changed.</param>
public sealed record DestinationBackfill(string Destination, int PatientsQueued, string Reason);
