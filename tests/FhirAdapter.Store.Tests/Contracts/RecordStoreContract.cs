using FhirAdapter.Core.Reading;
using FhirAdapter.Store.Records;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

public abstract class RecordStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    [Fact]
    public async Task Applies_each_version_outcome_and_keeps_one_current_version()
    {
        var v1 = Intake();
        var later = Version(v1, TimeSpan.FromHours(1));
        var earlier = Version(v1, TimeSpan.FromHours(-1));
        var conflicting = Version(later, TimeSpan.Zero, "conflicting-hash");

        var result = await Store.IngestAsync(Batch(v1, v1, later, earlier, conflicting, earlier, v1), Ct);

        Assert.Equal(
            [VersionOutcome.New, VersionOutcome.Repeat, VersionOutcome.Supersedes, VersionOutcome.Stale, VersionOutcome.Conflict, VersionOutcome.Stale, VersionOutcome.Stale],
            result.Arrivals.Select(a => a.Outcome));
        var current = await Store.GetCurrentRecordAsync(RecordKind.Intake, v1.RecordId, Ct);
        Assert.NotNull(current);
        Assert.Equal(later.ContentHash, current.ContentHash);
        Assert.Equal(later.UpdatedAt, current.UpdatedAt);
        Assert.Equal(VersionOutcome.Supersedes, current.Outcome);

        var versions = await Store.GetRecordVersionsAsync(RecordKind.Intake, v1.RecordId, Ct);
        Assert.Equal(4, versions.Count); // v1, later, earlier (twice: one row), conflicting
        Assert.Single(versions, v => v.IsCurrent);
        Assert.Equal(3, versions.Single(v => v.ContentHash == v1.ContentHash).Arrivals); // first, repeat, and stale once superseded
        Assert.Equal(2, versions.Single(v => v.ContentHash == earlier.ContentHash).Arrivals);

        var counts = await Store.CountRecordOutcomesAsync(Ct);
        Assert.Equal(new RecordOutcomeCounts(Current: 1, New: 1, Superseded: 1, Repeats: 1, Stale: 3, Conflicts: 1), counts);
    }

    [Fact]
    public async Task A_revoked_consent_version_with_the_signed_versions_updatedAt_becomes_current_in_either_order()
    {
        var signed = ConsentOf(Intake());
        Assert.Equal("signed", signed.As<ConsentPayload>().State);
        var revoked = signed with
        {
            Payload = signed.As<ConsentPayload>() with { State = "revoked", RevokedAt = signed.UpdatedAt },
            ContentHash = "revoked-hash",
        };
        var other = ConsentOf(Intake(1));
        var otherRevoked = other with { Payload = other.As<ConsentPayload>() with { State = "revoked", RevokedAt = other.UpdatedAt }, ContentHash = "revoked-hash" };

        await Store.IngestAsync(Batch(signed, otherRevoked), Ct);
        var result = await Store.IngestAsync(Batch(revoked, other, revoked, other), Ct);

        Assert.Equal([VersionOutcome.Supersedes, VersionOutcome.Stale, VersionOutcome.Repeat, VersionOutcome.Stale], result.Arrivals.Select(a => a.Outcome));
        Assert.Equal([Key(signed.PatientMrn!)], result.DirtyPatients); // the revocation is mapped; the outranked signed version changes nothing
        foreach (var record in new[] { signed, other })
        {
            var current = await Store.GetCurrentRecordAsync(RecordKind.Consent, record.RecordId, Ct);
            Assert.NotNull(current);
            Assert.Equal(("revoked-hash", "revoked"), (current.ContentHash, current.ToClinicRecord().As<ConsentPayload>().State));
            Assert.Single(await Store.GetRecordVersionsAsync(RecordKind.Consent, record.RecordId, Ct), v => v.IsCurrent);
        }

    }

    [Fact]
    public async Task Rehydrates_the_export_record_with_its_payload_source_and_hash()
    {
        var intake = Intake();
        await Store.IngestAsync(Batch(intake), Ct);

        var stored = Assert.Single(await Store.GetCurrentRecordsAsync(Key(intake.PatientMrn!), Ct));
        var record = stored.ToClinicRecord();

        Assert.Equal(intake.PatientMrn, stored.PatientMrn);
        Assert.Equal(Key(intake.PatientMrn!), stored.PatientKey);
        Assert.Equal((intake.Kind, intake.RecordId, intake.UpdatedAt, intake.UpdatedAt.Offset, intake.Status, intake.Site, intake.ContentHash, intake.Source),
            (record.Kind, record.RecordId, record.UpdatedAt, record.UpdatedAt.Offset, record.Status, record.Site, record.ContentHash, record.Source));
        Assert.Equal(PayloadSerializer.Serialize(intake.Payload), PayloadSerializer.Serialize(record.Payload));
        Assert.Equal(intake.As<IntakePayload>().Patient, record.As<IntakePayload>().Patient with { Phones = intake.As<IntakePayload>().Patient.Phones });
    }

    [Fact]
    public async Task Every_kind_round_trips_and_forms_are_listed()
    {
        var intake = Intake();
        var records = new[] { FormOf(intake), intake, SessionOf(intake), ConsentOf(intake) };
        await Store.IngestAsync(Batch(records), Ct);

        foreach (var record in records)
        {
            var stored = await Store.GetCurrentRecordAsync(record.Kind, record.RecordId, Ct);
            Assert.NotNull(stored);
            Assert.Equal(PayloadSerializer.Serialize(record.Payload), PayloadSerializer.Serialize(stored.ToClinicRecord().Payload));
        }

        Assert.Equal(FormOf(intake).RecordId, Assert.Single(await Store.GetCurrentFormsAsync(Ct)).RecordId);
        Assert.Equal(3, (await Store.GetCurrentRecordsAsync(Key(intake.PatientMrn!), Ct)).Count);
        var consent = Assert.Single(await Store.GetCurrentRecordsAsync(Key(intake.PatientMrn!), RecordKind.Consent, Ct)); // what the door decides on
        Assert.Equal(ConsentOf(intake).RecordId, consent.RecordId);
    }

    [Fact]
    public async Task Checkpoints_a_file_with_its_records()
    {
        Assert.Null(await Store.FindInboxFileAsync("a.ndjson", Ct));
        var written = Start.AddDays(-1);
        var file = new InboxFile("a.ndjson", 1234, written, new string('a', 64));

        await Store.IngestAsync(Batch(Intake()) with { File = file }, Ct);

        var state = await Store.FindInboxFileAsync("a.ndjson", Ct);
        Assert.NotNull(state);
        Assert.Equal(file, state.File);
        Assert.Equal(Start, state.ProcessedAt);
        Assert.Equal(1, state.Records);
        Assert.True(state.LooksUnchanged(1234, written));
        Assert.False(state.LooksUnchanged(1235, written));
        Assert.False(state.LooksUnchanged(1234, written.AddSeconds(1)));

        Time.Advance(TimeSpan.FromMinutes(5));
        var changed = file with { Size = 2000, Sha256 = new string('b', 64) };
        await Store.IngestAsync(new IngestBatch { File = changed }, Ct);
        state = await Store.FindInboxFileAsync("a.ndjson", Ct);
        Assert.Equal(changed, state!.File);
        Assert.Equal(Start.AddMinutes(5), state.ProcessedAt);
    }

    [Fact]
    public async Task New_and_superseding_versions_make_their_patient_dirty_and_repeats_do_not()
    {
        var intake = Intake();
        var key = Key(intake.PatientMrn!);
        var first = await Store.IngestAsync(Batch(intake), Ct);
        Assert.Equal([key], first.DirtyPatients);

        var dirty = Assert.Single(await Store.GetDirtyPatientsAsync(10, Ct));
        await Store.SavePatientMappingAsync(new(key, dirty.Generation, [], [], []), Ct);
        Assert.Empty(await Store.GetDirtyPatientsAsync(10, Ct));

        var repeat = await Store.IngestAsync(Batch(intake, Version(intake, TimeSpan.FromDays(-1))), Ct);
        Assert.Empty(repeat.DirtyPatients);
        Assert.Empty(await Store.GetDirtyPatientsAsync(10, Ct));

        var newer = await Store.IngestAsync(Batch(Version(intake, TimeSpan.FromDays(1))), Ct);
        Assert.Equal([key], newer.DirtyPatients);
        Assert.True(Assert.Single(await Store.GetDirtyPatientsAsync(10, Ct)).Generation > dirty.Generation);
    }

    [Fact]
    public async Task A_form_makes_the_questionnaires_dirty()
    {
        var result = await Store.IngestAsync(Batch(FormOf(Intake())), Ct);
        Assert.Equal([StoreKeys.Questionnaires], result.DirtyPatients);
    }

    [Fact]
    public async Task Refuses_a_patient_record_without_a_patient_key()
    {
        var batch = new IngestBatch { Records = [new RecordArrival(Intake(), null)] };
        await Assert.ThrowsAsync<ArgumentException>(() => Store.IngestAsync(batch, Ct));
        Assert.Null(await Store.GetCurrentRecordAsync(RecordKind.Intake, Intake().RecordId, Ct));
    }
}
