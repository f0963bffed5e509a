namespace FhirAdapter.Validation;

/// <summary>A resource the fast path accepted in which Firely found issues (no content of the resource: type, id and a count).</summary>
/// <param name="ResourceType">The resource type.</param>
/// <param name="ResourceId">The resource id, if it has one.</param>
/// <param name="Issues">How many issues Firely reported.</param>
public sealed record FastPathDisagreement(string ResourceType, string? ResourceId, int Issues);
