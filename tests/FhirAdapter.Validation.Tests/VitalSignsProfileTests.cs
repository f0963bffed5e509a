using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class VitalSignsProfileTests(ValidatorFixture fixture)
{
    private OperationOutcome Validate(Resource resource) => fixture.Validator.Validate(resource);

    [Fact]
    public void The_code_is_one_of_the_clinic_vital_signs()
    {
        var observation = Samples.BodyWeight();
        observation.Code = Samples.Concept(Samples.Loinc, "8310-5", "Body temperature");
        observation.Value = new Quantity(37m, "Cel", Samples.Ucum);

        OutcomeAssert.HasError(Validate(observation), "'8310-5'", "kwc-vital-sign-code");
    }

    [Fact]
    public void The_unit_is_a_UCUM_vital_signs_unit()
    {
        var observation = Samples.BodyWeight();
        observation.Value = new Quantity(68.4m, "kilograms", Samples.Ucum);

        OutcomeAssert.HasError(Validate(observation), "'kilograms'");
    }

    [Fact]
    public void The_vital_signs_category_is_required()
    {
        var observation = Samples.BodyWeight();
        observation.Category = [Samples.Concept("http://terminology.hl7.org/CodeSystem/observation-category", "survey")];

        OutcomeAssert.HasError(Validate(observation), "VSCat");
    }

    [Fact]
    public void The_subject_is_required()
    {
        var observation = Samples.BodyWeight();
        observation.Subject = null;

        OutcomeAssert.HasError(Validate(observation), "subject");
    }

    [Fact]
    public void A_blood_pressure_panel_carries_components_not_a_value()
    {
        var observation = Samples.SessionBloodPressure();
        observation.Value = new Quantity(126m, "mm[Hg]", Samples.Ucum);

        OutcomeAssert.HasError(Validate(observation), "kwc-vs-1");
    }

    [Fact]
    public void The_session_phase_is_pre_during_or_post()
    {
        var observation = Samples.SessionBloodPressure();
        observation.Extension[0].Value = new Code("after");

        OutcomeAssert.HasError(Validate(observation), "'after'", "kwc-session-phase");
    }

    [Fact]
    public void The_effective_time_is_a_date_time()
    {
        var observation = Samples.BodyWeight();
        observation.Effective = new Period { Start = "2026-03-09T10:02:00-05:00" };

        OutcomeAssert.HasError(Validate(observation), "effective");
    }
}
