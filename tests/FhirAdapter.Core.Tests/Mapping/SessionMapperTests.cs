using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Tests.Support;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Tests.Mapping;

public sealed class SessionMapperTests
{
    private static async Task<MappingResult> WithSession(System.Text.Json.Nodes.JsonObject session) =>
        await Map.RecordsAsync(RecordJson.Example("form"), RecordJson.Example("intake"), session);

    [Fact]
    public async Task A_completed_session_is_a_finished_ambulatory_encounter_in_its_course()
    {
        var result = await WithSession(RecordJson.Example("session"));
        var encounter = result.All<Encounter>().Single();
        var course = result.All<EpisodeOfCare>().Single();

        Assert.Equal(Encounter.EncounterStatus.Finished, encounter.Status);
        Assert.Equal("AMB", encounter.Class.Code);
        Assert.Equal(("2026-03-09T10:07:00-05:00", "2026-03-09T12:15:00-05:00"), (encounter.Period!.Start, encounter.Period.End));
        Assert.Equal("F33.2", encounter.ReasonCode.Single().Coding[0].Code);
        Assert.Equal(["PPRF", "PART"], encounter.Participant.Select(p => p.Type[0].Coding[0].Code));
        Assert.Equal("CRS-0091", course.Identifier.Single().Value);
        Assert.Equal(EpisodeOfCare.EpisodeOfCareStatus.Active, course.Status);
    }

    [Fact]
    public async Task An_IV_infusion_has_route_dose_rate_lot_and_the_encounter_as_context()
    {
        var result = await WithSession(RecordJson.Example("session"));
        var administration = result.All<MedicationAdministration>().Single();
        var medication = (Medication)administration.Contained.Single();
        var encounterUrl = result.Patients.Single().Bundle.Entry.Single(e => e.Resource is Encounter).FullUrl;

        Assert.Equal(("47625008", 34.2m, "mg"), (administration.Dosage!.Route!.Coding[0].Code, administration.Dosage.Dose!.Value!.Value, administration.Dosage.Dose.Code));
        Assert.Equal(0.855m, ((Quantity)administration.Dosage.Rate).Value);
        Assert.Equal(("6130", "KT24A118"), (medication.Code!.Coding[0].Code, medication.Batch!.LotNumber));
        Assert.Equal(encounterUrl, administration.Context!.Reference);
        Assert.IsType<Period>(administration.Effective);
    }

    [Theory]
    [InlineData("esketamine", "intranasal", "46713006")]
    [InlineData("ketamine", "sublingual", "37839007")]
    [InlineData("ketamine", "im", "78421000")]
    [InlineData("ketamine", "oral", "26643006")]
    [InlineData("nad-plus", "iv", "47625008")]
    public async Task Each_route_is_a_SNOMED_CT_route(string medication, string route, string snomed)
    {
        var result = await WithSession(RecordJson.Example("session").With("medication", medication).With("route", route));

        Assert.Equal(snomed, result.All<MedicationAdministration>().Single().Dosage!.Route!.Coding[0].Code);
    }

    [Fact]
    public async Task A_no_show_is_a_cancelled_encounter_and_an_administration_not_done()
    {
        var session = RecordJson.Example("session").With("sessionStatus", "no-show").Without("startedAt").Without("endedAt").Without("dischargedAt")
            .Without("vitals").Without("scores").Without("sideEffects");

        var result = await WithSession(session);
        var administration = result.All<MedicationAdministration>().Single();

        Assert.Equal(Encounter.EncounterStatus.Cancelled, result.All<Encounter>().Single().Status);
        Assert.Equal(MedicationAdministration.MedicationAdministrationStatusCodes.NotDone, administration.Status);
        Assert.Equal("281399006", administration.StatusReason.Single().Coding[0].Code);
        Assert.Equal("2026-03-09T10:00:00-05:00", ((FhirDateTime)administration.Effective).Value);
    }

    [Fact]
    public async Task A_session_stopped_early_is_finished_with_a_stopped_administration()
    {
        var result = await WithSession(RecordJson.Example("session").With("sessionStatus", "stopped-early"));

        Assert.Equal(Encounter.EncounterStatus.Finished, result.All<Encounter>().Single().Status);
        Assert.Equal(MedicationAdministration.MedicationAdministrationStatusCodes.Stopped, result.All<MedicationAdministration>().Single().Status);
    }

    [Fact]
    public async Task Every_vitals_time_point_and_score_is_an_observation_of_the_encounter()
    {
        var result = await WithSession(RecordJson.Example("session"));
        var encounterUrl = result.Patients.Single().Bundle.Entry.Single(e => e.Resource is Encounter).FullUrl;
        var ofSession = result.All<Observation>().Where(o => o.Encounter?.Reference == encounterUrl).ToList();

        // 3 time points: bp+hr+spo2 each, rr once; weight; cadss, moaas; 2 side effects
        Assert.Equal(3 * 3 + 1 + 1 + 2 + 2, ofSession.Count);
        Assert.Equal(14, ((Integer)result.Identified<Observation>("SES-2026-004410.score.cadss").Value).Value);
        Assert.Equal("during", ((Coding)result.Identified<Observation>("SES-2026-004410.vitals.1.bp").GetExtension(ClinicCanonicals.Extensions.SessionPhase)!.Value).Code);
        var nausea = result.Identified<Observation>("SES-2026-004410.side-effect.0");
        Assert.Equal(("nausea", "255604002"), (nausea.Code.Coding[0].Code, ((CodeableConcept)nausea.Value).Coding[0].Code));
    }

    [Fact]
    public async Task An_adverse_event_that_occurred_suspects_the_administration()
    {
        var session = RecordJson.Example("session").With("adverseEvent", new System.Text.Json.Nodes.JsonObject
        {
            ["occurred"] = true,
            ["description"] = "Transient hypertension requiring labetalol",
            ["seriousness"] = "non-serious",
        });

        var result = await WithSession(session);
        var adverse = result.All<AdverseEvent>().Single();
        var administrationUrl = result.Patients.Single().Bundle.Entry.Single(e => e.Resource is MedicationAdministration).FullUrl;

        Assert.Equal(administrationUrl, adverse.SuspectEntity.Single().Instance!.Reference);
        Assert.Equal("Non-serious", adverse.Seriousness!.Coding[0].Code);
    }

    [Fact]
    public async Task The_session_note_is_a_document_marked_as_a_counseling_note()
    {
        var note = (await WithSession(RecordJson.Example("session"))).All<DocumentReference>().Single();

        Assert.Equal("counseling-notes", note.Category.Single().Coding[0].Code);
        Assert.Equal("Tolerated well. Discussed integration session on Thursday.", System.Text.Encoding.UTF8.GetString(note.Content.Single().Attachment!.Data));
    }
}
