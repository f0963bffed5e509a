using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// Writes a mapping to a folder as it is produced, laid out as <see cref="MappingOutput"/> says, and counts what it
/// wrote: hand <see cref="Write(PatientBundle)"/> to <see cref="RecordMapper.Map(IEnumerable{ClinicRecord}, Action{PatientBundle})"/>
/// and no Bundle outlives its own write.
/// </summary>
public sealed class MappingWriter
{
    private readonly string _directory;

    /// <summary>Creates the folder, removing files of ours that an earlier run left (so none is stale).</summary>
    public MappingWriter(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = directory;
        Directory.CreateDirectory(directory);
        foreach (var old in Directory.EnumerateFiles(directory, "p-*.json").Append(Path.Combine(directory, MappingOutput.QuestionnairesFile)))
        {
            File.Delete(old);
        }
    }

    public int Files { get; private set; }

    public int Patients { get; private set; }

    /// <summary>Resources written, by type.</summary>
    public SortedDictionary<string, int> ResourcesByType { get; } = new(StringComparer.Ordinal);

    public void Write(PatientBundle patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        Write(MappingOutput.FileName(patient), patient.Bundle);
        Patients++;
    }

    public void WriteQuestionnaires(Bundle? questionnaires)
    {
        if (questionnaires is not null)
        {
            Write(MappingOutput.QuestionnairesFile, questionnaires);
        }
    }

    private void Write(string name, Bundle bundle)
    {
        File.WriteAllText(Path.Combine(_directory, name), MappingOutput.Json(bundle));
        Files++;
        foreach (var resource in bundle.Entry.Select(e => e.Resource).OfType<Resource>())
        {
            ResourcesByType[resource.TypeName] = ResourcesByType.GetValueOrDefault(resource.TypeName) + 1;
        }
    }
}
