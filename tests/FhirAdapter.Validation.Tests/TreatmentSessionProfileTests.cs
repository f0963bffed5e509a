using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class TreatmentSessionProfileTests(ValidatorFixture fixture)
{
    private OperationOutcome Validate(Resource resource) => fixture.Validator.Validate(resource);

    [Fact]
    public void A_finished_session_has_an_end()
    {
        var session = Samples.TreatmentSession();
        session.Period.End = null;

        OutcomeAssert.HasError(Validate(session), "kwc-enc-1");
    }

    [Fact]
    public void A_cancelled_session_needs_no_period()
    {
        var session = Samples.TreatmentSession();
        session.Status = Encounter.EncounterStatus.Cancelled;
        session.Period = null;

        OutcomeAssert.Valid(Validate(session));
    }

    [Fact]
    public void The_class_is_ambulatory()
    {
        var session = Samples.TreatmentSession();
        session.Class = new Coding(Samples.V3ActCode, "IMP");

        OutcomeAssert.HasError(Validate(session), "Encounter.class", "AMB");
    }

    [Fact]
    public void The_type_is_a_ketamine_treatment_session()
    {
        var session = Samples.TreatmentSession();
        session.Type = [Samples.Concept(Samples.CodeSystem("kwc-encounter-type"), "ketamine-course")];

        OutcomeAssert.HasError(Validate(session), "Encounter.type", "ketamine-treatment-session");
    }

    [Fact]
    public void The_type_is_required()
    {
        var session = Samples.TreatmentSession();
        session.Type.Clear();

        OutcomeAssert.HasError(Validate(session), "type");
    }

    [Fact]
    public void The_subject_is_required()
    {
        var session = Samples.TreatmentSession();
        session.Subject = null;

        OutcomeAssert.HasError(Validate(session), "subject");
    }

    [Fact]
    public void The_session_number_is_one_or_more()
    {
        var session = Samples.TreatmentSession();
        session.Extension[1].Value = new Integer(0);

        OutcomeAssert.HasError(Validate(session), "kwc-num-1");
    }

    [Fact]
    public void Ready_to_leave_is_a_date_time()
    {
        var session = Samples.TreatmentSession();
        session.Extension[0].Value = new FhirString("soon");

        OutcomeAssert.HasError(Validate(session), "Encounter.extension[0]");
    }
}
