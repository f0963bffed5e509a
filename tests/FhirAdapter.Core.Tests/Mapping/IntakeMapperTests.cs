using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Tests.Support;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Tests.Mapping;

public sealed class IntakeMapperTests
{
    [Fact]
    public async Task The_patient_carries_the_MRN_names_birth_sex_and_contacts()
    {
        var patient = (await Map.ExamplesAsync()).All<Patient>().Single();

        Assert.Equal(("https://fhir.kwc.example/sid/mrn", "KWC-004821", "MR"),
            (patient.Identifier[0].System, patient.Identifier[0].Value, patient.Identifier[0].Type!.Coding[0].Code));
        Assert.Equal(["Maria"], patient.Name.Single(n => n.Use == HumanName.NameUse.Official).Given);
        Assert.Equal(["Mari"], patient.Name.Single(n => n.Use == HumanName.NameUse.Usual).Given);
        Assert.Equal("1984-07-19", patient.BirthDate);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Equal("F", ((Code)patient.GetExtension(Codes.BirthSexExtension)!.Value).Value);
        Assert.Equal("es", patient.Communication.Single().Language!.Coding[0].Code);
        Assert.Equal("C", patient.Contact.Single().Relationship[0].Coding[0].Code);
        Assert.Equal(["1200 NW 5th Ave", "Apt 4"], patient.Address.Single().Line);
        Assert.Equal(2, patient.Telecom.Count);
    }

    [Fact]
    public async Task The_primary_care_provider_is_a_practitioner_found_by_NPI()
    {
        var result = await Map.ExamplesAsync();
        var patient = result.All<Patient>().Single();
        var entry = result.Patients.Single().Bundle.Entry.Single(e => e.FullUrl == patient.GeneralPractitioner.Single().Reference);

        Assert.Equal("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1245319599", entry.Request!.Url);
    }

    [Fact]
    public async Task Answers_are_typed_by_their_item_and_nested_like_the_form()
    {
        var response = (await Map.ExamplesAsync()).All<QuestionnaireResponse>().Single();

        Assert.Equal("https://fhir.kwc.example/Questionnaire/intake|3", response.Questionnaire);
        Assert.Equal(["depression", "alcohol"], response.Item.Single(i => i.LinkId == "reason").Answer.Select(a => ((Coding)a.Value).Code));
        var phq9 = response.Item.Single(i => i.LinkId == "phq9");
        Assert.Equal("LA6570-1", ((Coding)phq9.Item.Single(i => i.LinkId == "phq9-1").Answer.Single().Value).Code);
        Assert.Equal(68.4m, ((FhirDecimal)response.Item.Single(i => i.LinkId == "weight").Answer.Single().Value).Value);
        Assert.False(((FhirBoolean)response.Item.Single(i => i.LinkId == "prior-ketamine").Answer.Single().Value).Value);
    }

    [Fact]
    public async Task The_PHQ9_total_is_summed_from_the_answer_scores_and_extracted_as_an_observation()
    {
        var result = await Map.ExamplesAsync();
        var response = result.All<QuestionnaireResponse>().Single();
        var total = response.Item.Single(i => i.LinkId == "phq9").Item.Single(i => i.LinkId == "phq9-total");
        var observation = result.Identified<Observation>("INT-2026-000123.score.phq9-total");

        // 2+3+2+3+1+2+1+0+1
        Assert.Equal(15, ((Integer)total.Answer.Single().Value).Value);
        Assert.Equal(15, ((Integer)observation.Value).Value);
        Assert.Equal("44261-6", observation.Code.Coding.Single().Code);
        var responseUrl = result.Patients.Single().Bundle.Entry.Single(e => e.Resource is QuestionnaireResponse).FullUrl;
        Assert.Equal(responseUrl, observation.DerivedFrom.Single().Reference);
    }

    [Fact]
    public async Task Vitals_are_vital_sign_observations_in_LOINC_and_UCUM()
    {
        var result = await Map.ExamplesAsync();
        var bp = result.Identified<Observation>("INT-2026-000123.vitals.bp");
        var weight = result.Identified<Observation>("INT-2026-000123.vitals.weight");

        Assert.Equal("85354-9", bp.Code.Coding[0].Code);
        Assert.Equal([("8480-6", 128m), ("8462-4", 82m)], bp.Component.Select(c => (c.Code.Coding[0].Code, ((Quantity)c.Value).Value!.Value)));
        Assert.Equal(("kg", "http://unitsofmeasure.org"), (((Quantity)weight.Value).Code, ((Quantity)weight.Value).System));
        Assert.Equal("vital-signs", weight.Category[0].Coding[0].Code);
    }

    [Fact]
    public async Task Conditions_medications_and_substance_use_are_patient_level_facts()
    {
        var result = await Map.ExamplesAsync();
        var conditions = result.All<Condition>().ToList();
        var key = result.Patients.Single().PatientKey;

        Assert.Equal(["F10.20", "F33.2"], conditions.Select(c => c.Code!.Coding[0].Code).Order());
        Assert.All(conditions, c => Assert.Equal("active", c.ClinicalStatus!.Coding[0].Code));
        Assert.Equal("312941", result.Identified<MedicationStatement>($"{key}.medication.312941").Medication is CodeableConcept cc ? cc.Coding[0].Code : null);
        var alcohol = result.Identified<Observation>($"{key}.substance.alcohol");
        Assert.Equal(("social-history", "11331-6"), (alcohol.Category[0].Coding[0].Code, alcohol.Code.Coding[0].Code));
    }

    [Fact]
    public async Task Misuse_risk_is_a_risk_assessment_and_only_positive_contraindications_raise_flags()
    {
        var result = await Map.ExamplesAsync();
        var risk = result.All<RiskAssessment>().Single();

        Assert.Equal("moderate", risk.Prediction.Single().QualitativeRisk!.Coding[0].Code);
        Assert.Empty(result.All<Flag>()); // moderate risk, no diversion concern, every contraindication false
        Assert.Equal(4, result.All<Observation>().Count(o => o.Code.Coding[0].System == ClinicCanonicals.CodeSystems.Contraindication));
    }

    [Fact]
    public async Task A_positive_contraindication_raises_a_flag_and_an_allergy()
    {
        var intake = RecordJson.Example("intake").With("contraindications.ketamineAllergy", true).With("misuseRisk.diversionConcern", true);

        var result = await Map.RecordsAsync(RecordJson.Example("form"), intake);

        Assert.Equal(2, result.All<Flag>().Count(f => f.Status == Flag.FlagStatus.Active));
        Assert.Equal("6130", result.All<AllergyIntolerance>().Single().Code!.Coding[0].Code);
    }

    [Fact]
    public async Task An_answer_that_does_not_fit_its_form_rejects_the_intake_naming_the_answer()
    {
        var intake = RecordJson.Example("intake");
        intake["answers"]![3]!["value"] = "LA0000-0";

        var result = await Map.RecordsAsync(RecordJson.Example("form"), intake, RecordJson.Example("session"));

        var error = Assert.Single(result.Rejected);
        Assert.Equal(("INT-2026-000123", "answers[3].value"), (error.RecordId, error.Field));
        Assert.Contains("'LA0000-0' is not an option of item 'phq9-3'", error.Message, StringComparison.Ordinal);
        Assert.Equal("SES-2026-004410", Assert.Single(result.Held).Record.RecordId); // its patient now has no intake
    }
}
