namespace FhirAdapter.Store.Patients;

/// <summary>
/// One resource of a patient's mapped Bundle. Its identity is the type and business identifier; the store keeps
/// its content hash, so an unchanged resource makes no delivery work.
/// </summary>
/// <param name="ResourceType">e.g. <c>Encounter</c>.</param>
/// <param name="Identifier">The business identifier as <c>system|value</c> (for the Patient this holds the MRN: not for logs).</param>
/// <param name="LogicalId">The stable logical id (the name-based UUID of the entry's fullUrl).</param>
/// <param name="RequestUrl">The entry's conditional request URL, e.g. <c>Encounter?identifier=system|value</c>.</param>
/// <param name="Json">The resource as FHIR JSON.</param>
public sealed record MappedResource(
    string ResourceType,
    string Identifier,
    string LogicalId,
    string RequestUrl,
    string Json,
    ResourceValidation Validation);
