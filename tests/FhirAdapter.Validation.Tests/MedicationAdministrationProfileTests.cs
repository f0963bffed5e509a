using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class MedicationAdministrationProfileTests(ValidatorFixture fixture)
{
    private OperationOutcome Validate(Resource resource) => fixture.Validator.Validate(resource);

    [Fact]
    public void An_iv_administration_with_a_rate_and_no_end_is_valid()
    {
        var administration = Samples.IvAdministration();
        administration.Effective = new FhirDateTime("2026-03-09T10:07:00-05:00");

        OutcomeAssert.Valid(Validate(administration));
    }

    [Fact]
    public void An_iv_administration_with_a_duration_and_no_rate_is_valid()
    {
        var administration = Samples.IvAdministration();
        administration.Dosage.Rate = null;

        OutcomeAssert.Valid(Validate(administration));
    }

    [Fact]
    public void An_iv_administration_has_a_rate_or_a_duration()
    {
        var administration = Samples.IvAdministration();
        administration.Dosage.Rate = null;
        administration.Effective = new Period { Start = "2026-03-09T10:07:00-05:00" };

        OutcomeAssert.HasError(Validate(administration), "kwc-mad-1");
    }

    [Fact]
    public void An_iv_administration_that_was_not_done_needs_neither()
    {
        var administration = Samples.IvAdministration();
        administration.Status = MedicationAdministration.MedicationAdministrationStatusCodes.NotDone;
        administration.Dosage.Rate = null;
        administration.Effective = new FhirDateTime("2026-03-09T10:00:00-05:00");

        OutcomeAssert.Valid(Validate(administration));
    }

    [Fact]
    public void An_intranasal_administration_needs_no_rate()
    {
        var administration = Samples.IvAdministration();
        administration.Dosage.Route = Samples.Concept(Samples.Snomed, "46713006", "Nasal route");
        administration.Dosage.Rate = null;
        administration.Effective = new FhirDateTime("2026-03-09T10:07:00-05:00");

        OutcomeAssert.Valid(Validate(administration));
    }

    [Fact]
    public void The_route_is_one_of_the_clinic_routes()
    {
        var administration = Samples.IvAdministration();
        administration.Dosage.Route = Samples.Concept(Samples.Snomed, "6064005", "Topical route");

        OutcomeAssert.HasError(Validate(administration), "'6064005'", "kwc-route");
    }

    [Fact]
    public void The_route_is_required()
    {
        var administration = Samples.IvAdministration();
        administration.Dosage.Route = null;

        OutcomeAssert.HasError(Validate(administration), "route");
    }

    [Fact]
    public void The_dose_is_in_milligrams()
    {
        var administration = Samples.IvAdministration();
        administration.Dosage.Dose = new Quantity(0.0342m, "g", Samples.Ucum);

        OutcomeAssert.HasError(Validate(administration), "dose");
    }

    [Fact]
    public void The_contained_medication_is_coded_from_the_clinic_list()
    {
        var administration = Samples.IvAdministration();
        ((Medication)administration.Contained[0]).Code = Samples.Concept("http://www.nlm.nih.gov/research/umls/rxnorm", "3322", "diazepam");

        OutcomeAssert.HasError(Validate(administration), "'3322'", "kwc-administered-medication");
    }

    [Fact]
    public void Esketamine_is_coded_locally()
    {
        var administration = Samples.IvAdministration();
        ((Medication)administration.Contained[0]).Code = Samples.Concept(Samples.CodeSystem("kwc-medication"), "esketamine");
        administration.Dosage.Route = Samples.Concept(Samples.Snomed, "46713006");

        OutcomeAssert.Valid(Validate(administration));
    }

    [Fact]
    public void The_encounter_context_is_required()
    {
        var administration = Samples.IvAdministration();
        administration.Context = null;

        OutcomeAssert.HasError(Validate(administration), "context");
    }

    [Fact]
    public void The_dose_per_kg_is_in_mg_per_kg()
    {
        var administration = Samples.IvAdministration();
        administration.Dosage.Extension[0].Value = new Quantity(0.5m, "mg", Samples.Ucum);

        OutcomeAssert.HasError(Validate(administration), "extension");
    }
}
