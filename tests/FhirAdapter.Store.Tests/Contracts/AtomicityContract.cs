using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Disclosures;
using FhirAdapter.Store.Quarantine;
using FhirAdapter.Store.Records;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

/// <summary>A unit of work that fails half-way leaves nothing behind: the same as a worker killed at that moment.</summary>
public abstract class AtomicityContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private sealed class InjectedFault : Exception;

    private void FailAt(string point) => Fixture.InjectFault(Store, p =>
    {
        if (p == point)
        {
            throw new InjectedFault();
        }
    });

    [Fact]
    public async Task A_failed_ingest_stores_no_record_no_quarantine_no_checkpoint_and_no_dirty_patient()
    {
        var resolved = (await Store.IngestAsync(new IngestBatch { Rejected = [new QuarantineEntry(new SourceLocation("old.json"), null, "", "bad", null)] }, Ct)).QuarantineIds[0];
        FailAt("ingest.records");
        var intake = Intake();
        var batch = Batch(intake, SessionOf(intake)) with
        {
            File = new InboxFile("a.ndjson", 1, Start, new string('a', 64)),
            Rejected = [new QuarantineEntry(new SourceLocation("a.ndjson", 3), "X", "f", "bad", "{}")],
            ResolvedQuarantineIds = [resolved],
        };

        await Assert.ThrowsAsync<InjectedFault>(() => Store.IngestAsync(batch, Ct));

        Assert.Null(await Store.GetCurrentRecordAsync(RecordKind.Intake, intake.RecordId, Ct));
        Assert.Null(await Store.FindInboxFileAsync("a.ndjson", Ct));
        Assert.Equal([resolved], (await Store.ListQuarantineAsync(10, Ct)).Select(q => q.Id));
        Assert.Empty(await Store.GetDirtyPatientsAsync(10, Ct));

        Fixture.InjectFault(Store, null);
        await Store.IngestAsync(batch, Ct); // the retry after a restart does it all, once
        Assert.Equal(VersionOutcome.New, (await Store.GetCurrentRecordAsync(RecordKind.Intake, intake.RecordId, Ct))!.Outcome);
        Assert.NotNull(await Store.FindInboxFileAsync("a.ndjson", Ct));
    }

    [Fact]
    public async Task A_failed_mapping_stores_no_resource_and_leaves_the_patient_dirty()
    {
        var generation = await Store.MarkDirtyAsync("p-1", Ct);
        FailAt("mapping.resources");

        await Assert.ThrowsAsync<InjectedFault>(() => Store.SavePatientMappingAsync(
            new("p-1", generation, [Resource("Patient", "1", Json("Patient", "1")), Resource("Encounter", "e", Json("Encounter", "e"))], [], ["ehr"]), Ct));

        Assert.Empty(await Store.GetResourcesAsync("p-1", Ct));
        Assert.Empty(await Store.ClaimPendingPatientsAsync("a", "ehr", 10, Ct));
        Assert.Single(await Store.GetDirtyPatientsAsync(10, Ct));
    }

    [Fact]
    public async Task A_failed_delivery_record_changes_no_state_and_adds_no_disclosure()
    {
        await Store.SavePatientMappingAsync(new("p-1", 0, [Resource("Patient", "1", Json("Patient", "1")), Resource("Encounter", "e", Json("Encounter", "e"))], [], ["ehr"]), Ct);
        var lease = Assert.Single(await Store.ClaimPendingPatientsAsync("a", "ehr", 10, Ct));
        var resources = await Store.GetResourcesAsync("p-1", Ct);
        FailAt("delivery.outcome");
        var report = new DeliveryReport("ehr", "p-1", [.. resources.Select(p => new DeliveryOutcome(p.ResourceType, p.Identifier, p.ContentHash, DeliveryStatus.Sent, "s", "srv"))])
        {
            Disclosure = new Disclosure("d-1", "p-1", "org", "TREAT", null, DisclosureChannel.Push, Start, ["Patient/srv"], "{}"),
            QueueSequence = lease.Generation,
        };

        await Assert.ThrowsAsync<InjectedFault>(() => Store.RecordDeliveryAsync(report, Ct));

        Assert.Empty(await Store.GetDeliveryStatesAsync("ehr", "p-1", Ct));
        Assert.Empty(await Store.GetDisclosuresAsync("p-1", null, Ct));
        Assert.Equal("p-1", Assert.Single(await Store.ClaimPendingPatientsAsync("a", "ehr", 10, Ct)).PatientKey); // still to deliver
    }

    [Fact]
    public async Task A_cancelled_unit_of_work_stores_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.IngestAsync(Batch(Intake()), cancelled.Token));
        Assert.Null(await Store.GetCurrentRecordAsync(RecordKind.Intake, Intake().RecordId, Ct));
    }
}
