using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class TerminologyTests(ValidatorFixture fixture)
{
    private OperationOutcome Validate(Resource resource) => fixture.Validator.Validate(resource);

    [Theory]
    [InlineData("https://fhir.kwc.example/ValueSet/kwc-route")]
    [InlineData("https://fhir.kwc.example/ValueSet/kwc-side-effect")]
    [InlineData("http://hl7.org/fhir/ValueSet/administrative-gender")]
    [InlineData("http://hl7.org/fhir/ValueSet/observation-status|4.0.1")]
    [InlineData("http://hl7.org/fhir/ValueSet/ucum-vitals-common")]
    public void Package_and_small_core_value_sets_are_expanded(string url)
    {
        Assert.True(fixture.Validator.Terminology.GetContents(url).IsCheckable);
    }

    [Theory]
    [InlineData("http://hl7.org/fhir/ValueSet/mimetypes")]
    [InlineData("http://hl7.org/fhir/ValueSet/all-languages")]
    [InlineData("http://hl7.org/fhir/ValueSet/observation-codes")]
    public void Value_sets_of_large_external_systems_are_left_unchecked(string url)
    {
        var contents = fixture.Validator.Terminology.GetContents(url);

        Assert.True(contents.Known);
        Assert.False(contents.IsCheckable);
    }

    [Fact]
    public void A_code_bound_to_an_unexpandable_value_set_is_not_an_error()
    {
        var consent = Samples.TreatmentConsent();
        ((Attachment)consent.Source).ContentType = "application/x-not-in-any-list";

        OutcomeAssert.Valid(Validate(consent));
    }

    [Fact]
    public void A_wrong_code_in_a_core_value_set_is_an_error()
    {
        var observation = Samples.BodyWeight();
        observation.StatusElement = new Code<ObservationStatus>(ObservationStatus.Final) { JsonValue = "done" };

        OutcomeAssert.HasError(Validate(observation), "'done'");
    }

    [Fact]
    public void A_local_code_outside_any_profile_is_still_checked()
    {
        var flag = new Flag
        {
            Status = Flag.FlagStatus.Active,
            Category = [Samples.Concept("http://terminology.hl7.org/CodeSystem/flag-category", "clinical")],
            Code = Samples.Concept(Samples.CodeSystem("kwc-contraindication"), "psychosisHistory"),
            Subject = new ResourceReference(Samples.PatientRef),
        };

        var issue = OutcomeAssert.HasError(Validate(flag), "'psychosisHistory'", "kwc-contraindication");
        Assert.Equal("Flag.code.coding[0]", issue.Expression.Single());
    }

    [Fact]
    public void A_known_local_code_outside_any_profile_passes()
    {
        var flag = new Flag
        {
            Status = Flag.FlagStatus.Active,
            Code = Samples.Concept(Samples.CodeSystem("kwc-contraindication"), "psychosis-history"),
            Subject = new ResourceReference(Samples.PatientRef),
        };

        OutcomeAssert.Valid(Validate(flag));
    }

    [Fact]
    public void A_local_code_system_the_package_lacks_is_an_error()
    {
        var observation = Samples.SessionCadss();
        observation.Note = [];
        observation.Method = Samples.Concept(Samples.CodeSystem("kwc-method"), "interview");

        OutcomeAssert.HasError(Validate(observation), "kwc-method", "is not in the profiles package");
    }

    [Fact]
    public void Local_codes_in_contained_resources_and_extensions_are_checked()
    {
        var administration = Samples.IvAdministration();
        ((Medication)administration.Contained[0]).Code.Coding.Add(new Coding(Samples.CodeSystem("kwc-medication"), "ketamine-hcl"));

        OutcomeAssert.HasError(Validate(administration), "'ketamine-hcl'", "MedicationAdministration.contained[0].code.coding[1]");
    }

    [Fact]
    public void A_profile_in_the_package_namespace_that_the_package_lacks_is_an_error()
    {
        var patient = Samples.Patient();
        patient.Meta.Profile = [Samples.Profile("kwc-patient-v2")];

        OutcomeAssert.HasError(Validate(patient), "kwc-patient-v2");
    }
}
