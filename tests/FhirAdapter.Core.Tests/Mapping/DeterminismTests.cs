using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Mapping;

public sealed class DeterminismTests(SampleMapping samples) : IClassFixture<SampleMapping>
{
    [Fact]
    public void Mapping_again_gives_identical_output()
    {
        var again = MappingOutput.Files(samples.Mapper.Map(samples.Snapshot.Records.Records));

        Assert.Equal(samples.Files, again.ToDictionary(f => f.Name, f => f.Json));
    }

    [Fact]
    public void The_order_records_arrive_in_does_not_change_the_output()
    {
        var reversed = MappingOutput.Files(new RecordMapper(new MappingOptions()).Map(samples.Snapshot.Records.Records.Reverse()));

        Assert.Equal(samples.Files, reversed.ToDictionary(f => f.Name, f => f.Json));
    }

    [Fact]
    public void Another_canonical_base_changes_identifier_systems_but_not_the_package_profiles()
    {
        var result = new RecordMapper(new MappingOptions { CanonicalBase = "https://ehr.other.example/fhir/" }).Map(samples.Snapshot.Records.Records);
        var patient = result.All<Hl7.Fhir.Model.Patient>().First();

        Assert.Equal("https://ehr.other.example/fhir/sid/mrn", patient.Identifier[0].System);
        Assert.Equal(ClinicCanonicals.Profiles.Patient, patient.Meta!.Profile.Single());
    }

    [Fact]
    public void A_secret_changes_every_patient_key()
    {
        var keyed = new RecordMapper(new MappingOptions { PatientKeySecret = "from-the-environment" });
        var mrn = samples.Snapshot.Records.Records.Select(r => r.PatientMrn).OfType<string>().First();

        Assert.NotEqual(samples.Mapper.PatientKey(mrn), keyed.PatientKey(mrn));
        Assert.Equal(keyed.PatientKey(mrn), keyed.PatientKey(mrn));
    }
}
