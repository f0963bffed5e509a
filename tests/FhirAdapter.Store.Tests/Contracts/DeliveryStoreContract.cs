using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Disclosures;
using FhirAdapter.Store.Patients;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

public abstract class DeliveryStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private const string Key = "p-0001";
    private const string Id1 = "https://fhir.kwc.example/sid/record|e1";
    private const string Id2 = "https://fhir.kwc.example/sid/record|e2";

    private async Task<IReadOnlyList<PendingDelivery>> MapAsync(string e1 = "a", params string[] destinations)
    {
        await Store.SavePatientMappingAsync(new(Key, 0, [Resource("Encounter", "e1", Json("Encounter", "e1", e1)), Resource("Encounter", "e2", Json("Encounter", "e2"))], [],
            destinations.Length == 0 ? ["ehr", "hie"] : destinations), Ct);
        return await Store.GetPendingForPatientAsync("ehr", Key, Ct);
    }

    [Fact]
    public async Task Queues_per_destination_and_counts_each_state()
    {
        var pending = await MapAsync();
        Assert.Equal([Id1, Id2], pending.Select(p => p.Identifier));
        Assert.Equal(2, (await Store.GetPendingAsync("hie", 10, Ct)).Count);
        Assert.Single(await Store.GetPendingAsync("hie", 1, Ct));

        var result = await Store.RecordDeliveryAsync(new("ehr", Key,
        [
            new("Encounter", Id1, pending[0].ContentHash, DeliveryOutcomeKind.Sent, "srv-1", "3"),
            new("Encounter", Id2, pending[1].ContentHash, DeliveryOutcomeKind.Rejected, Reason: "constraint failed", OperationOutcomeJson: """{"resourceType":"OperationOutcome"}"""),
        ]), Ct);

        Assert.Equal(new DeliveryRecordResult(Sent: 1, Rejected: 1, StillPending: 0, Ignored: 0), result);
        var sent = await Store.GetDeliveryAsync("ehr", Key, "Encounter", Id1, Ct);
        Assert.Equal((DeliveryStatus.Sent, "srv-1", "3", (DateTimeOffset?)Start), (sent!.Status, sent.ServerId, sent.ServerVersion, sent.SentAt));
        var rejected = await Store.GetDeliveryAsync("ehr", Key, "Encounter", Id2, Ct);
        Assert.Equal((DeliveryStatus.Rejected, "constraint failed"), (rejected!.Status, rejected.Reason));
        Assert.NotNull(rejected.OperationOutcomeJson);
        Assert.Empty(await Store.GetPendingAsync("ehr", 10, Ct));
        Assert.Equal([new DeliveryCounts("ehr", 0, 1, 1, 0), new DeliveryCounts("hie", 2, 0, 0, 0)], await Store.CountDeliveriesAsync(Ct));
    }

    [Fact]
    public async Task A_transient_failure_stays_pending_with_its_attempts()
    {
        var pending = await MapAsync();
        await Store.RecordDeliveryAsync(new("ehr", Key, [new("Encounter", Id1, pending[0].ContentHash, DeliveryOutcomeKind.RetryLater, Reason: "HTTP 503")]), Ct);

        var again = await Store.GetPendingForPatientAsync("ehr", Key, Ct);
        Assert.Equal((1, "HTTP 503"), (again[0].Attempts, again[0].LastReason));
    }

    [Fact]
    public async Task Unchanged_resources_are_not_sent_again_and_changed_ones_are()
    {
        var pending = await MapAsync();
        await Store.RecordDeliveryAsync(new("ehr", Key, [.. pending.Select(p => new DeliveryOutcome(p.ResourceType, p.Identifier, p.ContentHash, DeliveryOutcomeKind.Sent, $"srv-{p.Identifier[^2..]}", "1"))]), Ct);

        Assert.Empty(await MapAsync());
        var changed = Assert.Single(await MapAsync(e1: "b"));
        Assert.Equal((Id1, "srv-e1", "1"), (changed.Identifier, changed.ServerId, changed.ServerVersion)); // known server id: an update, not a create
    }

    [Fact]
    public async Task A_withheld_resource_is_cancelled_and_queued_again_at_the_next_mapping()
    {
        var pending = await MapAsync();
        await Store.RecordDeliveryAsync(new("ehr", Key,
        [
            new("Encounter", Id1, pending[0].ContentHash, DeliveryOutcomeKind.Sent, "srv-1", "1"),
            new("Encounter", Id2, pending[1].ContentHash, DeliveryOutcomeKind.Withheld, Reason: "withheld: not covered by consent"),
        ]), Ct);

        var state = await Store.GetDeliveryAsync("ehr", Key, "Encounter", Id2, Ct);
        Assert.Equal((DeliveryStatus.Cancelled, "withheld: not covered by consent"), (state!.Status, state.Reason));
        Assert.Empty(await Store.GetPendingForPatientAsync("ehr", Key, Ct));
        Assert.Equal(Id2, Assert.Single(await MapAsync()).Identifier); // a new consent may now let it go
    }

    [Fact]
    public async Task A_sent_older_version_keeps_the_newer_one_pending()
    {
        var old = (await MapAsync())[0];
        await MapAsync(e1: "b"); // changed while the old version was in flight

        var result = await Store.RecordDeliveryAsync(new("ehr", Key, [new("Encounter", Id1, old.ContentHash, DeliveryOutcomeKind.Sent, "srv-1", "1")]), Ct);

        Assert.Equal(1, result.StillPending);
        var state = await Store.GetDeliveryAsync("ehr", Key, "Encounter", Id1, Ct);
        Assert.Equal((DeliveryStatus.Pending, "srv-1"), (state!.Status, state.ServerId));
        Assert.NotEqual(old.ContentHash, state.ContentHash);
    }

    [Fact]
    public async Task A_destination_no_longer_allowed_is_cancelled_and_requeued_when_allowed_again()
    {
        await MapAsync();
        await MapAsync("a", "hie"); // consent for ehr revoked

        Assert.Empty(await Store.GetPendingAsync("ehr", 10, Ct));
        Assert.Equal(DeliveryStatus.Cancelled, (await Store.GetDeliveryAsync("ehr", Key, "Encounter", Id1, Ct))!.Status);
        Assert.Equal(2, (await MapAsync("a", "ehr", "hie")).Count);
    }

    [Fact]
    public async Task Cancels_pending_work_on_request()
    {
        await MapAsync();
        Assert.Equal(2, await Store.CancelPendingAsync(Key, "ehr", "consent revoked", Ct));
        Assert.Equal(2, await Store.CancelPendingAsync(Key, null, "consent revoked", Ct));
        var state = await Store.GetDeliveryAsync("hie", Key, "Encounter", Id2, Ct);
        Assert.Equal((DeliveryStatus.Cancelled, "consent revoked"), (state!.Status, state.Reason));
        Assert.Equal([new DeliveryCounts("ehr", 0, 0, 0, 2), new DeliveryCounts("hie", 0, 0, 0, 2)], await Store.CountDeliveriesAsync(Ct));
    }

    [Fact]
    public async Task Finds_a_resource_by_its_conditional_url()
    {
        var pending = await MapAsync();
        await Store.RecordDeliveryAsync(new("ehr", Key, [new("Encounter", Id1, pending[0].ContentHash, DeliveryOutcomeKind.Sent, "srv-1", "7")]), Ct);

        var found = await Store.FindByRequestUrlAsync("ehr", pending[0].RequestUrl, Ct);
        Assert.Equal(("srv-1", "7"), (found!.ServerId, found.ServerVersion));
        Assert.Null(await Store.FindByRequestUrlAsync("ehr", "Encounter?identifier=x|y", Ct));
    }

    [Fact]
    public async Task Stores_the_disclosure_with_the_delivery_and_ignores_unknown_resources()
    {
        var pending = await MapAsync();
        var disclosure = new Disclosure("audit-1", Key, "org-ehr", "TREAT", "CNS-1", DisclosureChannel.Push, Start, ["Encounter/srv-1"], """{"resourceType":"AuditEvent"}""");

        var result = await Store.RecordDeliveryAsync(new("ehr", Key,
            [new("Encounter", Id1, pending[0].ContentHash, DeliveryOutcomeKind.Sent, "srv-1"), new("Flag", "x|y", "h", DeliveryOutcomeKind.Sent, "srv-9")]) { Disclosure = disclosure }, Ct);

        Assert.Equal(1, result.Ignored);
        Assert.Equal(disclosure with { ResourceIds = [] }, (await Store.GetDisclosuresAsync(Key, null, Ct)).Single() with { ResourceIds = [] });
    }
}
