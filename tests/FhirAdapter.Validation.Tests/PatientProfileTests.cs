using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class PatientProfileTests(ValidatorFixture fixture)
{
    private OperationOutcome Validate(Resource resource) => fixture.Validator.Validate(resource);

    [Fact]
    public void Birth_date_is_required()
    {
        var patient = Samples.Patient();
        patient.BirthDate = null;

        OutcomeAssert.HasError(Validate(patient), "birthDate");
    }

    [Fact]
    public void Gender_is_required()
    {
        var patient = Samples.Patient();
        patient.Gender = null;

        OutcomeAssert.HasError(Validate(patient), "gender");
    }

    [Fact]
    public void An_identifier_typed_MR_is_required()
    {
        var patient = Samples.Patient();
        patient.Identifier[0].Type = Samples.Concept("http://terminology.hl7.org/CodeSystem/v2-0203", "DL");

        OutcomeAssert.HasError(Validate(patient), "mrn");
    }

    [Fact]
    public void The_MRN_needs_a_value()
    {
        var patient = Samples.Patient();
        patient.Identifier[0].Value = null;

        OutcomeAssert.HasError(Validate(patient), "value");
    }

    [Fact]
    public void An_official_name_with_a_family_name_is_required()
    {
        var patient = Samples.Patient();
        patient.Name.RemoveAll(n => n.Use == HumanName.NameUse.Official);

        OutcomeAssert.HasError(Validate(patient), "kwc-pat-1");
    }

    [Fact]
    public void Sex_at_birth_is_required()
    {
        var patient = Samples.Patient();
        patient.Extension.RemoveAll(e => e.Url.EndsWith("us-core-birthsex", StringComparison.Ordinal));

        OutcomeAssert.HasError(Validate(patient), "birthSex");
    }

    [Fact]
    public void Sex_at_birth_is_F_M_or_UNK()
    {
        var patient = Samples.Patient();
        patient.Extension[0].Value = new Code("female");

        OutcomeAssert.HasError(Validate(patient), "'female'", "http://hl7.org/fhir/us/core/ValueSet/birthsex");
    }

    [Fact]
    public void Unknown_sex_at_birth_is_allowed()
    {
        var patient = Samples.Patient();
        patient.Extension[0].Value = new Code("UNK");

        OutcomeAssert.Valid(Validate(patient));
    }

    [Fact]
    public void Pronouns_are_a_string()
    {
        var patient = Samples.Patient();
        patient.Extension[2].Value = new Code("she");

        OutcomeAssert.HasError(Validate(patient), "pronouns");
    }
}
