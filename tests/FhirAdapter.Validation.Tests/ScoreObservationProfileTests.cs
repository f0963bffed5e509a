using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class ScoreObservationProfileTests(ValidatorFixture fixture)
{
    private OperationOutcome Validate(Resource resource) => fixture.Validator.Validate(resource);

    [Theory]
    [InlineData(Samples.Loinc, "44261-6", 28, "kwc-score-1")]
    [InlineData(Samples.Loinc, "70274-6", 22, "kwc-score-2")]
    [InlineData("https://fhir.kwc.example/CodeSystem/kwc-assessment", "cadss", 93, "kwc-score-3")]
    [InlineData("https://fhir.kwc.example/CodeSystem/kwc-assessment", "moaas", 6, "kwc-score-4")]
    [InlineData("https://fhir.kwc.example/CodeSystem/kwc-assessment", "moaas", -1, "kwc-score-4")]
    [InlineData("https://fhir.kwc.example/CodeSystem/kwc-assessment", "ybocs", 41, "kwc-score-5")]
    public void A_score_outside_its_instrument_range_fails(string system, string code, int value, string key)
    {
        OutcomeAssert.HasError(Validate(Samples.Score(system, code, value, "SES-TEST-1.score.x")), key);
    }

    [Theory]
    [InlineData(Samples.Loinc, "44261-6", 27)]
    [InlineData("https://fhir.kwc.example/CodeSystem/kwc-assessment", "cadss", 0)]
    [InlineData("https://fhir.kwc.example/CodeSystem/kwc-assessment", "moaas", 5)]
    public void A_score_at_the_edge_of_its_range_passes(string system, string code, int value)
    {
        OutcomeAssert.Valid(Validate(Samples.Score(system, code, value, "SES-TEST-1.score.x")));
    }

    [Fact]
    public void The_code_is_a_known_score()
    {
        var score = Samples.Score(Samples.Loinc, "44250-9", 2, "INT-TEST-1.score.phq9-1");

        OutcomeAssert.HasError(Validate(score), "'44250-9'", "kwc-score-code");
    }

    [Fact]
    public void The_value_is_an_integer()
    {
        var score = Samples.SessionCadss();
        score.Value = new Quantity(14m, "{score}", Samples.Ucum);

        OutcomeAssert.HasError(Validate(score), "Observation.value");
    }

    [Fact]
    public void The_value_is_required()
    {
        var score = Samples.SessionCadss();
        score.Value = null;

        OutcomeAssert.HasError(Validate(score), "value");
    }

    [Fact]
    public void The_survey_category_is_required()
    {
        var score = Samples.SessionCadss();
        score.Category = [Samples.Concept("http://terminology.hl7.org/CodeSystem/observation-category", "exam")];

        OutcomeAssert.HasError(Validate(score), "survey");
    }

    [Fact]
    public void An_assessment_code_must_exist_in_the_clinic_code_system()
    {
        var score = Samples.Score(Samples.CodeSystem("kwc-assessment"), "hamd", 10, "SES-TEST-1.score.hamd");

        OutcomeAssert.HasError(Validate(score), "'hamd'");
    }
}
