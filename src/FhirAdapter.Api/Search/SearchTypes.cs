namespace FhirAdapter.Api.Search;

/// <summary>Which resource types the API searches and with which parameters (besides the common <c>_id</c>, <c>_lastUpdated</c>, <c>_count</c>).</summary>
internal static class SearchTypes
{
    public const string Patient = "Patient";
    public const string Questionnaire = "Questionnaire";
    public const string Observation = "Observation";

    /// <summary>Types searched by <c>patient</c>: the patient compartment of the mapping.</summary>
    public static readonly IReadOnlySet<string> PatientCompartment = new HashSet<string>(StringComparer.Ordinal)
    {
        "Encounter", Observation, "QuestionnaireResponse", "Consent", "MedicationAdministration", "DocumentReference", "Condition",
        "EpisodeOfCare", "MedicationStatement", "AllergyIntolerance", "Flag", "RiskAssessment", "ServiceRequest", "AdverseEvent", "RelatedPerson",
    };

    /// <summary>Types readable by id: the searchable ones plus what their references point at.</summary>
    public static readonly IReadOnlySet<string> Readable = new HashSet<string>(PatientCompartment.Append(Patient).Append(Questionnaire).Append("Practitioner").Append("Medication"), StringComparer.Ordinal);

    public static bool IsSearchable(string type) => type == Patient || type == Questionnaire || PatientCompartment.Contains(type);

    /// <summary>The parameters of a type, common ones excluded.</summary>
    public static IReadOnlyList<string> Parameters(string type) => type switch
    {
        Patient => ["identifier"],
        Questionnaire => ["url"],
        Observation => ["patient", "category", "code"],
        _ => PatientCompartment.Contains(type) ? ["patient"] : [],
    };

    public static readonly string[] Common = ["_id", "_lastUpdated", "_count"];
}
