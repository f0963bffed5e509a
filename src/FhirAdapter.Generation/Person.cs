namespace FhirAdapter.Generation;

/// <summary>A clinician: name with credentials, and an NPI when the clinic records one.</summary>
internal sealed record Person(string Name, string? Npi);
