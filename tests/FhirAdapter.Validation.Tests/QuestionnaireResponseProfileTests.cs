using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class QuestionnaireResponseProfileTests(ValidatorFixture fixture)
{
    private OperationOutcome Validate(Resource resource) => fixture.Validator.Validate(resource);

    [Fact]
    public void The_questionnaire_is_a_versioned_canonical()
    {
        var response = Samples.IntakeResponse();
        response.Questionnaire = Samples.Pkg + "/Questionnaire/intake";

        OutcomeAssert.HasError(Validate(response), "kwc-qr-1");
    }

    [Fact]
    public void The_questionnaire_is_required()
    {
        var response = Samples.IntakeResponse();
        response.Questionnaire = null;

        var outcome = Validate(response);

        OutcomeAssert.HasError(outcome, "kwc-qr-1");
        OutcomeAssert.HasError(outcome, "questionnaire");
    }

    [Fact]
    public void The_authored_time_is_required()
    {
        var response = Samples.IntakeResponse();
        response.Authored = null;

        OutcomeAssert.HasError(Validate(response), "authored");
    }

    [Fact]
    public void The_subject_is_required()
    {
        var response = Samples.IntakeResponse();
        response.Subject = null;

        OutcomeAssert.HasError(Validate(response), "subject");
    }

    [Fact]
    public void Core_rules_still_apply_an_item_has_answers_or_items_not_both()
    {
        var response = Samples.IntakeResponse();
        response.Item[0].Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirBoolean(true) }];

        OutcomeAssert.HasError(Validate(response), "qrs-1");
    }
}
