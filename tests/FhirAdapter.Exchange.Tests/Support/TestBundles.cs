using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Tests.Support;

/// <summary>Patient Bundles shaped like the mapper's: urn:uuid fullUrls, conditional PUTs, Provenance last.</summary>
internal static class TestBundles
{
    public const string MrnSystem = "https://fhir.kwc.example/sid/mrn";
    public const string RecordSystem = "https://fhir.kwc.example/sid/record";

    public static string PatientKey(int n) => $"p-{n:x32}";

    /// <summary>Patient, Encounter, <paramref name="observations"/> Observations and a Provenance targeting all.</summary>
    public static Bundle Patient(int n, int observations = 1, string family = "Testperson", int heartRate = 72)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var patientUrl = Add(bundle, new Patient
        {
            Identifier = [new Identifier(MrnSystem, $"MRN{n:D5}") { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR") }],
            Name = [new HumanName { Family = family, Given = [$"Test{n}"], Use = HumanName.NameUse.Official }],
            Gender = AdministrativeGender.Female,
            BirthDate = "1980-02-03",
        }, MrnSystem, $"MRN{n:D5}");

        var encounterUrl = Add(bundle, new Encounter
        {
            Identifier = [new Identifier(RecordSystem, $"session-{n}")],
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
            Subject = new ResourceReference(patientUrl),
            Period = new Period { Start = "2026-01-05T10:00:00Z", End = "2026-01-05T12:00:00Z" },
        }, RecordSystem, $"session-{n}");

        var targets = new List<string> { patientUrl, encounterUrl };
        for (var o = 0; o < observations; o++)
        {
            targets.Add(Add(bundle, new Observation
            {
                Identifier = [new Identifier(RecordSystem, $"session-{n}.vitals.{o}.hr")],
                Status = ObservationStatus.Final,
                Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")],
                Code = new CodeableConcept("http://loinc.org", "8867-4", "Heart rate"),
                Subject = new ResourceReference(patientUrl),
                Encounter = new ResourceReference(encounterUrl),
                Effective = new FhirDateTime("2026-01-05T10:30:00Z"),
                Value = new Quantity(heartRate + o, "/min", "http://unitsofmeasure.org"),
            }, RecordSystem, $"session-{n}.vitals.{o}.hr"));
        }

        // As the mapper does: R4 Provenance has no identifier, yet the request is keyed like the others.
        Add(bundle, new Provenance
        {
            Target = targets.Select(t => new ResourceReference(t)).ToList(),
            Recorded = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero),
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler"),
                    Who = new ResourceReference { Display = "FhirAdapter" },
                },
            ],
        }, RecordSystem, $"{PatientKey(n)}.provenance");
        return bundle;
    }

    public static string Add(Bundle bundle, Resource resource, string system, string value)
    {
        var fullUrl = "urn:uuid:" + Guid.NewGuid();
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.PUT,
                Url = $"{resource.TypeName}?identifier={system}|{value}",
            },
        });
        return fullUrl;
    }
}
