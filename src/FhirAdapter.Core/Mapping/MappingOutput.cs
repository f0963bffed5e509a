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

    /// <summary>Every file of a result, by name, as the text it is written with.</summary>
    public static IEnumerable<(string Name, string Json)> Files(MappingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Questionnaires is { } questionnaires)
        {
            yield return (QuestionnairesFile, FhirJson.Serialize(questionnaires) + "\n");
        }

        foreach (var patient in result.Patients)
        {
            yield return (FileName(patient), FhirJson.Serialize(patient.Bundle) + "\n");
        }
    }

    /// <summary>Writes the result, first removing files of ours that an earlier run left (so none is stale).</summary>
    public static IReadOnlyList<string> Write(string directory, MappingResult result)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        foreach (var old in Directory.EnumerateFiles(directory, "p-*.json").Append(Path.Combine(directory, QuestionnairesFile)))
        {
            File.Delete(old);
        }

        var written = new List<string>();
        foreach (var (name, json) in Files(result))
        {
            File.WriteAllText(Path.Combine(directory, name), json);
            written.Add(name);
        }

        return written;
    }

    /// <summary>Counts of resources by type over a result, for the summary.</summary>
    public static SortedDictionary<string, int> CountByType(MappingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var bundles = result.Patients.Select(p => p.Bundle);
        if (result.Questionnaires is { } q)
        {
            bundles = bundles.Append(q);
        }

        foreach (var resource in bundles.SelectMany(b => b.Entry).Select(e => e.Resource).OfType<Resource>())
        {
            counts[resource.TypeName] = counts.GetValueOrDefault(resource.TypeName) + 1;
        }

        return counts;
    }
}
