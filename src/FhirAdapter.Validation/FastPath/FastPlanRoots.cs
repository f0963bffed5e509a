namespace FhirAdapter.Validation.FastPath;

/// <summary>The core resource types the plan is compiled for (besides the package's profiles): those the mapper produces.</summary>
internal static class FastPlanRoots
{
    public static readonly string[] CoreTypes =
    [
        "Patient", "Practitioner", "Organization", "RelatedPerson", "Questionnaire", "QuestionnaireResponse", "Encounter",
        "EpisodeOfCare", "Consent", "Medication", "MedicationAdministration", "MedicationStatement", "Observation", "Condition",
        "AllergyIntolerance", "AdverseEvent", "RiskAssessment", "Flag", "ServiceRequest", "DocumentReference", "Provenance",
    ];
}
