using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// How a mapping result is laid out on disk: <c>questionnaires.json</c> and one <c>{patientKey}.json</c>
/// per patient, pretty-printed so that golden files diff well.
/// </summary>
public static class MappingOutput
{
    public const string QuestionnairesFile = "questionnaires.json";

    public static string FileName(PatientBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return $"{bundle.PatientKey}.json";
    }

    /// <summary>The text a file is written with.</summary>
    public static string Json(Bundle bundle) => FhirJson.Serialize(bundle) + "\n";

    /// <summary>Every file of a result, by name, as the text it is written with.</summary>
    public static IEnumerable<(string Name, string Json)> Files(MappingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Questionnaires is { } questionnaires)
        {
            yield return (QuestionnairesFile, Json(questionnaires));
        }

        foreach (var patient in result.Patients)
        {
            yield return (FileName(patient), Json(patient.Bundle));
        }
    }
}
