using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

/// <summary>Resources the mapper emits without a clinic profile still pass the core rules as FHIR means them.</summary>
[Collection(ValidatorCollection.Name)]
public sealed class CoreCorrectionsTests(ValidatorFixture fixture)
{
    [Fact]
    public void A_reference_by_display_or_identifier_only_passes_ref_1()
    {
        var provenance = new Provenance
        {
            Target = [new ResourceReference(Samples.PatientRef)],
            Recorded = DateTimeOffset.Parse("2026-03-02T14:20:00-05:00", System.Globalization.CultureInfo.InvariantCulture),
            Agent = [new Provenance.AgentComponent { Who = new ResourceReference { Display = "FhirAdapter" } }],
            Entity =
            [
                new Provenance.EntityComponent
                {
                    Role = Provenance.ProvenanceEntityRole.Source,
                    What = new ResourceReference { Identifier = Samples.RecordId("CNS-TEST-1"), Display = "clinic consent record" },
                },
            ],
        };

        OutcomeAssert.Valid(fixture.Validator.Validate(provenance));
    }

    [Fact]
    public void A_local_reference_without_its_contained_resource_still_fails_ref_1()
    {
        var administration = Samples.IvAdministration();
        administration.Medication = new ResourceReference("#missing");

        OutcomeAssert.HasError(fixture.Validator.Validate(administration), "ref-1");
    }

    [Fact]
    public void A_qualitative_risk_prediction_passes_ras_2()
    {
        var risk = new RiskAssessment
        {
            Status = ObservationStatus.Final,
            Code = Samples.Concept(Samples.CodeSystem("kwc-risk"), "ketamine-misuse"),
            Subject = new ResourceReference(Samples.PatientRef),
            Prediction =
            [
                new RiskAssessment.PredictionComponent
                {
                    Outcome = Samples.Concept(Samples.CodeSystem("kwc-risk"), "ketamine-misuse"),
                    QualitativeRisk = Samples.Concept("http://terminology.hl7.org/CodeSystem/risk-probability", "moderate"),
                },
            ],
        };

        OutcomeAssert.Valid(fixture.Validator.Validate(risk));
    }

    [Fact]
    public void A_probability_over_100_still_fails_ras_2()
    {
        var risk = new RiskAssessment
        {
            Status = ObservationStatus.Final,
            Subject = new ResourceReference(Samples.PatientRef),
            Prediction = [new RiskAssessment.PredictionComponent { Probability = new FhirDecimal(150m) }],
        };

        OutcomeAssert.HasError(fixture.Validator.Validate(risk), "ras-2");
    }

    [Fact]
    public void A_substance_use_observation_with_local_codes_passes()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = Samples.Concept(Samples.Loinc, "11331-6"),
            Subject = new ResourceReference(Samples.PatientRef),
            Value = Samples.Concept(Samples.CodeSystem("kwc-substance"), "alcohol"),
            Component =
            [
                new Observation.ComponentComponent
                {
                    Code = Samples.Concept(Samples.CodeSystem("kwc-observation"), "pattern"),
                    Value = Samples.Concept(Samples.CodeSystem("kwc-use-pattern"), "in-remission"),
                },
                new Observation.ComponentComponent
                {
                    Code = Samples.Concept(Samples.CodeSystem("kwc-observation"), "last-use-date"),
                    Value = new FhirDateTime("2026-02-28"),
                },
            ],
        };

        OutcomeAssert.Valid(fixture.Validator.Validate(observation));
    }
}
