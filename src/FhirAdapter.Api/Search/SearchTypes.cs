namespace FhirAdapter.Api.Search;

/// <summary>
/// Which resource types the API reads and searches, and with which parameters. The CapabilityStatement is built from
/// these lists and the parser accepts exactly these (a test holds the two together).
/// </summary>
internal static class SearchTypes
{
    public const string Patient = "Patient";
    public const string Questionnaire = "Questionnaire";
    public const string Observation = "Observation";
    public const string Encounter = "Encounter";

    /// <summary>Types searched by <c>patient</c>: the patient compartment of the mapping.</summary>
    public static readonly IReadOnlySet<string> PatientCompartment = new HashSet<string>(StringComparer.Ordinal)
    {
        Encounter, Observation, "QuestionnaireResponse", "Consent", "MedicationAdministration", "DocumentReference", "Condition",
        "EpisodeOfCare", "MedicationStatement", "AllergyIntolerance", "Flag", "RiskAssessment", "ServiceRequest", "AdverseEvent", "RelatedPerson",
    };

    /// <summary>Types readable by id: the searchable ones plus what their references point at.</summary>
    public static readonly IReadOnlySet<string> Readable = new HashSet<string>(PatientCompartment.Append(Patient).Append(Questionnaire).Append("Practitioner").Append("Medication"), StringComparer.Ordinal);

    /// <summary>
    /// Parameters every search takes. <c>_format</c> is content negotiation and <c>_cursor</c> is ours (next links):
    /// neither is a search parameter of the CapabilityStatement.
    /// </summary>
    public static readonly string[] Common = ["_id", "_lastUpdated"];

    /// <summary>Result parameters every search takes (FHIR search.html §3.1.1.5): listed in the CapabilityStatement's documentation.</summary>
    public static readonly string[] Result = ["_count", "_summary", "_elements", "_sort", "_include", "_revinclude"];

    /// <summary>The values of <c>_sort</c> a type takes (each also with a leading <c>-</c> for descending).</summary>
    public static IReadOnlyList<string> SortKeys(string type) => HasDate(type) ? ["_id", "_lastUpdated", "date"] : ["_id", "_lastUpdated"];

    public static bool IsSearchable(string type) => type == Patient || type == Questionnaire || PatientCompartment.Contains(type);

    /// <summary>Whether the type has the <c>date</c> parameter (US Core style <c>Observation?patient=&amp;category=&amp;date=</c>).</summary>
    public static bool HasDate(string type) => type is Observation or Encounter;

    /// <summary>The parameters of a type, common ones excluded.</summary>
    public static IReadOnlyList<string> Parameters(string type) => type switch
    {
        Patient => ["identifier"],
        Questionnaire => ["url"],
        Observation => ["patient", "category", "code", "date"],
        Encounter => ["patient", "date"],
        _ => PatientCompartment.Contains(type) ? ["patient"] : [],
    };

    /// <summary>Every search parameter of a type, as the CapabilityStatement lists it.</summary>
    public static IEnumerable<string> AllParameters(string type) => Parameters(type).Concat(Common);
}
