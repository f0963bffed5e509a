namespace FhirAdapter.Store.Patients;

/// <summary>A resource of a patient's last stored mapping.</summary>
/// <param name="ContentHash">SHA-256 of <see cref="Json"/>: the resource's version as far as the store is concerned.</param>
public sealed record StoredResource(
    string PatientKey,
    string ResourceType,
    string Identifier,
    string LogicalId,
    string RequestUrl,
    string Json,
    string ContentHash,
    ResourceValidation Validation,
    DateTimeOffset MappedAt);
