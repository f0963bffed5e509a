using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

public abstract class PatientStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private const string Key = "p-0001";

    [Fact]
    public async Task Stores_the_mapping_and_queues_only_new_or_changed_resources()
    {
        var generation = await Store.MarkDirtyAsync(Key, Ct);
        var first = await Store.SavePatientMappingAsync(new(Key, generation,
            [Resource("Patient", "1", Json("Patient", "1")), Resource("Encounter", "e1", Json("Encounter", "e1"))], [], ["ehr"]), Ct);

        Assert.Equal(new PatientMappingResult(Added: 2, Changed: 0, Unchanged: 0, Removed: 0, Queued: 1, Cancelled: 0, StillDirty: false), first);
        Assert.Empty(await Store.GetDirtyPatientsAsync(10, Ct));
        var resources = await Store.GetResourcesAsync(Key, Ct);
        Assert.Equal(["Patient", "Encounter"], resources.Select(r => r.ResourceType));
        Assert.Equal(Json("Encounter", "e1"), resources[1].Json);
        Assert.Equal(64, resources[1].ContentHash.Length);
        Assert.Equal(StableIds.For("Encounter", "https://fhir.kwc.example/sid/record", "e1").ToString(), resources[1].LogicalId);

        generation = await Store.MarkDirtyAsync(Key, Ct);
        var second = await Store.SavePatientMappingAsync(new(Key, generation,
            [Resource("Patient", "1", Json("Patient", "1")), Resource("Encounter", "e1", Json("Encounter", "e1", "changed"))], [], ["ehr"]), Ct);

        Assert.Equal(new PatientMappingResult(0, Changed: 1, Unchanged: 1, 0, Queued: 1, 0, false), second);
        Assert.Equal(Key, Assert.Single(await Store.ClaimPendingPatientsAsync("a", "ehr", 10, Ct)).PatientKey); // the first send never happened: it still waits
        var third = await Store.SavePatientMappingAsync(new(Key, await Store.MarkDirtyAsync(Key, Ct),
            [Resource("Patient", "1", Json("Patient", "1")), Resource("Encounter", "e1", Json("Encounter", "e1", "changed"))], [], ["ehr"]), Ct);
        Assert.Equal(new PatientMappingResult(0, 0, Unchanged: 2, 0, Queued: 0, 0, false), third); // nothing new to send
    }

    [Fact]
    public async Task A_change_after_the_mapped_generation_keeps_the_patient_dirty()
    {
        var mapped = await Store.MarkDirtyAsync(Key, Ct);
        var newer = await Store.MarkDirtyAsync(Key, Ct); // a record arrived while mapping

        var result = await Store.SavePatientMappingAsync(new(Key, mapped, [Resource("Patient", "1", Json("Patient", "1"))], [], []), Ct);

        Assert.True(result.StillDirty);
        Assert.Equal(newer, Assert.Single(await Store.GetDirtyPatientsAsync(10, Ct)).Generation);
        await Store.SavePatientMappingAsync(new(Key, newer, [Resource("Patient", "1", Json("Patient", "1"))], [], []), Ct);
        Assert.Empty(await Store.GetDirtyPatientsAsync(10, Ct));
    }

    [Fact]
    public async Task A_resource_no_longer_mapped_is_removed_and_offered_for_withdrawal()
    {
        await Store.SavePatientMappingAsync(new(Key, 0, [Resource("Patient", "1", Json("Patient", "1")), Resource("Flag", "f", Json("Flag", "f"))], [], ["ehr"]), Ct);

        var result = await Store.SavePatientMappingAsync(new(Key, 0, [Resource("Patient", "1", Json("Patient", "1"))], [], ["ehr"]), Ct);

        Assert.Equal((1, 1), (result.Removed, result.Queued)); // where the Flag went, it is withdrawn
        Assert.Equal(["Patient"], (await Store.GetResourcesAsync(Key, Ct)).Select(r => r.ResourceType));
        Assert.Equal("Flag", Assert.Single(await Store.GetRemovedResourcesAsync(Key, Ct)).ResourceType);
    }

    [Fact]
    public async Task An_invalid_resource_is_kept_with_its_outcome_and_not_queued()
    {
        var result = await Store.SavePatientMappingAsync(new(Key, 0, [Resource("Patient", "1", Json("Patient", "1"), valid: false)], [], ["ehr"]), Ct);

        Assert.Equal(0, result.Queued);
        var stored = Assert.Single(await Store.GetResourcesAsync(Key, Ct));
        Assert.False(stored.Validation.IsValid);
        Assert.Contains("OperationOutcome", stored.Validation.OperationOutcomeJson, StringComparison.Ordinal);
        Assert.Empty(await Store.ClaimPendingPatientsAsync("a", "ehr", 10, Ct));
    }

    [Fact]
    public async Task The_validator_that_judged_a_resource_is_kept_with_its_outcome()
    {
        var judged = Resource("Patient", "1", Json("Patient", "1"));
        judged = judged with { Validation = judged.Validation with { ValidatedWith = "fingerprint-1" } };
        await Store.SavePatientMappingAsync(new(Key, 0, [judged, Resource("Flag", "f", Json("Flag", "f"))], [], []), Ct);

        var stored = await Store.GetResourcesAsync(Key, Ct);
        Assert.Equal("fingerprint-1", stored.Single(r => r.ResourceType == "Patient").Validation.ValidatedWith);
        Assert.Null(stored.Single(r => r.ResourceType == "Flag").Validation.ValidatedWith);

        // Judged again by another validator: the new fingerprint replaces the old.
        await Store.SavePatientMappingAsync(new(Key, 0, [judged with { Validation = judged.Validation with { ValidatedWith = "fingerprint-2" } }], [], []), Ct);
        Assert.Equal("fingerprint-2", Assert.Single(await Store.GetResourcesAsync(Key, Ct)).Validation.ValidatedWith);
    }

    [Fact]
    public async Task A_new_validator_marks_the_patients_another_one_judged_and_only_those()
    {
        MappedResource JudgedBy(string id, string? fingerprint) =>
            Resource("Patient", id, Json("Patient", id)) is var r ? r with { Validation = r.Validation with { ValidatedWith = fingerprint } } : null!;
        await Store.SavePatientMappingAsync(new("p-current", 0, [JudgedBy("1", "fp-new")], [], []), Ct);
        await Store.SavePatientMappingAsync(new("p-older", 0, [JudgedBy("2", "fp-old")], [], []), Ct);
        await Store.SavePatientMappingAsync(new("p-unknown", 0, [JudgedBy("3", null)], [], []), Ct);
        Assert.Empty(await Store.GetDirtyPatientsAsync(10, Ct));

        Assert.Equal(2, await Store.MarkValidatedElsewhereAsync("fp-new", Ct));

        Assert.Equal(["p-older", "p-unknown"], (await Store.GetDirtyPatientsAsync(10, Ct)).Select(d => d.PatientKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Marking_all_reaches_every_patient_whatever_their_resources()
    {
        await Store.SavePatientMappingAsync(new("p-valid", 0, [Resource("Patient", "1", Json("Patient", "1"))], [], []), Ct);
        await Store.SavePatientMappingAsync(new("p-invalid", 0, [Resource("Patient", "2", Json("Patient", "2"), valid: false)], [], []), Ct);
        await Store.SavePatientMappingAsync(new("p-held", 0, [], [HeldEntry.From(new HeldRecord(Intake(), "form"))], []), Ct);
        var dirtyBefore = await Store.MarkDirtyAsync("p-dirty", Ct);
        Assert.Equal(["p-dirty"], (await Store.GetDirtyPatientsAsync(10, Ct)).Select(d => d.PatientKey));
        Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(4, await Store.MarkAllDirtyAsync(Ct));

        var dirty = await Store.GetDirtyPatientsAsync(10, Ct);
        Assert.Equal(["p-dirty", "p-held", "p-invalid", "p-valid"], dirty.Select(d => d.PatientKey).Order(StringComparer.Ordinal));
        Assert.Equal(dirtyBefore + 1, dirty.Single(d => d.PatientKey == "p-dirty").Generation); // a newer generation: a mapping under way does not clear it
        Assert.Equal((Start, Start + TimeSpan.FromHours(1)), (dirty[0].DirtySince, dirty[^1].DirtySince)); // one already waiting keeps its place in the queue
        Assert.Equal("p-dirty", dirty[0].PatientKey);
    }

    [Fact]
    public async Task A_new_validator_passes_over_removed_resources()
    {
        await Store.SavePatientMappingAsync(new("p-current", 0, [Judged("Patient", "1", "fp-b")], [], []), Ct);
        await Store.SavePatientMappingAsync(new("p-newer", 0, [Judged("Patient", "3", "fp-c"), Judged("Encounter", "e3", "fp-b")], [], []), Ct);
        // Its only resource another validator judged is no longer mapped: nothing of it stands on the old outcome.
        await Store.SavePatientMappingAsync(new("p-removed", 0, [Judged("Patient", "5", "fp-b"), Judged("Flag", "f5", "fp-a")], [], []), Ct);
        await Store.SavePatientMappingAsync(new("p-removed", 0, [Judged("Patient", "5", "fp-b")], [], []), Ct);

        Assert.Equal(1, await Store.MarkValidatedElsewhereAsync("fp-b", Ct));

        Assert.Equal(["p-newer"], (await Store.GetDirtyPatientsAsync(10, Ct)).Select(d => d.PatientKey));
    }

    private static MappedResource Judged(string type, string id, string? fingerprint)
    {
        var resource = Resource(type, id, Json(type, id));
        return resource with { Validation = resource.Validation with { ValidatedWith = fingerprint } };
    }

    [Fact]
    public async Task Held_records_keep_their_first_held_time_and_show_when_too_old()
    {
        var intake = Intake();
        var session = SessionOf(intake);
        var key = Key(intake.PatientMrn!);
        var heldIntake = HeldEntry.From(new HeldRecord(intake, "form"));
        var heldSession = HeldEntry.From(new HeldRecord(session, "intake"));
        Assert.Equal((HeldWaitKind.Form, RecordMapper.FormKey(intake.As<IntakePayload>().FormId, intake.As<IntakePayload>().FormVersion)), (heldIntake.WaitKind, heldIntake.WaitKey));
        Assert.Equal((HeldWaitKind.Intake, (string?)null), (heldSession.WaitKind, heldSession.WaitKey));

        await Store.SavePatientMappingAsync(new(key, 0, [], [heldIntake, heldSession], []), Ct);
        Time.Advance(TimeSpan.FromHours(30));
        await Store.SavePatientMappingAsync(new(key, 0, [], [heldIntake], []), Ct); // the session no longer held
        Time.Advance(TimeSpan.FromHours(30));

        var held = Assert.Single(await Store.GetHeldAsync(key, Ct));
        Assert.Equal((RecordKind.Intake, intake.RecordId, Start), (held.Kind, held.RecordId, held.HeldSince));
        Assert.Single(await Store.GetHeldOlderThanAsync(TimeSpan.FromHours(48), Ct));
        Assert.Empty(await Store.GetHeldOlderThanAsync(TimeSpan.FromHours(72), Ct));
        Assert.Single(await Store.GetHeldAsync(null, Ct));
    }

    [Fact]
    public async Task An_arriving_form_releases_the_patients_waiting_for_it()
    {
        var intake = Intake();
        var key = Key(intake.PatientMrn!);
        var ingested = await Store.IngestAsync(Batch(intake), Ct);
        var generation = Assert.Single(await Store.GetDirtyPatientsAsync(10, Ct)).Generation;
        await Store.SavePatientMappingAsync(new(key, generation, [], [HeldEntry.From(new HeldRecord(intake, "form"))], []), Ct);
        Assert.Empty(await Store.GetDirtyPatientsAsync(10, Ct));

        var result = await Store.IngestAsync(Batch(FormOf(intake)), Ct);

        Assert.Equal(new[] { key, StoreKeys.Questionnaires }.Order(StringComparer.Ordinal), result.DirtyPatients.Order(StringComparer.Ordinal));
        Assert.Contains(key, (await Store.GetDirtyPatientsAsync(10, Ct)).Select(d => d.PatientKey));
        Assert.Single(ingested.Arrivals);
    }

    [Fact]
    public async Task Release_query_marks_waiting_patients_dirty()
    {
        var session = SessionOf(Intake());
        await Store.SavePatientMappingAsync(new(Key, 0, [], [HeldEntry.From(new HeldRecord(session, "intake"))], []), Ct);

        Assert.Equal([Key], await Store.ReleaseHeldAsync(HeldWaitKind.Intake, null, Ct));
        Assert.Empty(await Store.ReleaseHeldAsync(HeldWaitKind.Form, "intake|9", Ct));
        Assert.Equal(Key, Assert.Single(await Store.GetDirtyPatientsAsync(10, Ct)).PatientKey);
    }

    [Fact]
    public async Task An_arriving_intake_releases_what_waited_for_it()
    {
        var intake = Intake();
        var session = SessionOf(intake);
        var key = Key(intake.PatientMrn!);
        await Store.IngestAsync(Batch(session), Ct);
        var generation = Assert.Single(await Store.GetDirtyPatientsAsync(10, Ct)).Generation;
        await Store.SavePatientMappingAsync(new(key, generation, [], [HeldEntry.From(new HeldRecord(session, "intake"))], []), Ct);
        Assert.Empty(await Store.GetDirtyPatientsAsync(10, Ct));

        var result = await Store.IngestAsync(Batch(intake), Ct);

        Assert.Equal([key], result.DirtyPatients);
        Assert.Equal(2, (await Store.GetCurrentRecordsAsync(key, Ct)).Count);
    }

    [Fact]
    public async Task A_record_that_moves_to_another_patient_makes_both_dirty()
    {
        var intake = Intake();
        var other = Intake(1);
        var session = SessionOf(intake);
        await Store.IngestAsync(Batch(session), Ct);
        var moved = Version(session, TimeSpan.FromHours(1)) with { Payload = session.As<SessionPayload>() with { PatientMrn = other.PatientMrn! } };

        var result = await Store.IngestAsync(Batch(moved), Ct);

        Assert.Equal(new[] { Key(intake.PatientMrn!), Key(other.PatientMrn!) }.Order(StringComparer.Ordinal), result.DirtyPatients);
        Assert.Empty(await Store.GetCurrentRecordsAsync(Key(intake.PatientMrn!), Ct));
        Assert.Single(await Store.GetCurrentRecordsAsync(Key(other.PatientMrn!), Ct));
    }
}
