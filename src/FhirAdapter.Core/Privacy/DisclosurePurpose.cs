namespace FhirAdapter.Core.Privacy;

/// <summary>Why data is disclosed: the consent's <c>purposes</c> of the clinic export.</summary>
public enum DisclosurePurpose
{
    Treatment,
    Payment,
    HealthCareOperations,
}
