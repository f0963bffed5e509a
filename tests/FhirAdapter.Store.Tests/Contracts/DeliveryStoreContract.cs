using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Disclosures;
using FhirAdapter.Store.Patients;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

/// <summary>
/// Delivery by identity: the patients queued per destination, and what each destination holds of each resource (its
/// id there and the hash of what it accepted), one state per resource however many patients carry it.
/// </summary>
public abstract class DeliveryStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private const string Key = "p-0001";
    private const string Id1 = "https://fhir.kwc.example/sid/record|e1";
    private const string Id2 = "https://fhir.kwc.example/sid/record|e2";
    private static readonly DestinationRegistration Ehr = new("ehr", "org-ehr", "https://ehr.example/fhir");
    private static readonly DestinationRegistration Hie = new("hie", "org-hie", "https://hie.example/fhir");

    private Task<PatientMappingResult> MapAsync(string e1 = "a", string key = Key, params string[] destinations) =>
        Store.SavePatientMappingAsync(new(key, 0, [Resource("Encounter", "e1", Json("Encounter", "e1", e1)), Resource("Encounter", "e2", Json("Encounter", "e2"))], [],
            destinations.Length == 0 ? ["ehr", "hie"] : destinations), Ct);

    private async Task<string[]> PendingAsync(string destination) =>
        [.. (await Store.ClaimPendingPatientsAsync("probe", destination, 100, Ct)).Select(l => l.PatientKey).Order(StringComparer.Ordinal)];

    private async Task<long> SequenceAsync(string destination, string key = Key)
    {
        var lease = (await Store.ClaimPendingPatientsAsync("probe", destination, 100, Ct)).Single(l => l.PatientKey == key);
        await Store.ReleaseAsync("probe", [key], Ct);
        return lease.Generation;
    }

    private static DeliveryOutcome Sent(string identifier, string id, string sentHash = "s1") =>
        new("Encounter", identifier, "h-" + identifier[^2..], DeliveryStatus.Sent, sentHash, id, "1");

    private Task<DeliveryRecordResult> RecordAsync(string destination, long sequence, params DeliveryOutcome[] outcomes) =>
        Store.RecordDeliveryAsync(new(destination, Key, outcomes) { QueueSequence = sequence }, Ct);

    [Fact]
    public async Task A_changed_mapping_queues_the_patient_at_each_permitted_destination_once()
    {
        Assert.Equal(2, (await MapAsync()).Queued);
        Assert.Equal([Key], await PendingAsync("ehr"));
        Assert.Equal([Key], await PendingAsync("hie"));

        var sequence = await SequenceAsync("ehr");
        var result = await RecordAsync("ehr", sequence, Sent(Id1, "srv-1"), Sent(Id2, "srv-2"));

        Assert.Equal(new DeliveryRecordResult(Sent: 2, Rejected: 0, Waiting: 0, StillPending: false), result);
        Assert.Empty(await PendingAsync("ehr"));
        Assert.Equal(0, (await MapAsync()).Queued); // mapped again, unchanged: nothing new to send
        Assert.Empty(await PendingAsync("ehr"));
        Assert.Equal(2, (await MapAsync(e1: "b")).Queued);
        Assert.Equal([Key], await PendingAsync("ehr"));
    }

    [Fact]
    public async Task What_a_destination_holds_is_kept_per_identity_with_the_hash_it_accepted()
    {
        await MapAsync();
        var sequence = await SequenceAsync("ehr");
        await RecordAsync("ehr", sequence,
            Sent(Id1, "srv-1"),
            new("Encounter", Id2, "h-e2", DeliveryStatus.Rejected, "s2", Reason: "constraint failed", OperationOutcomeJson: """{"resourceType":"OperationOutcome"}"""));

        var sent = await Store.GetDeliveryAsync("ehr", "Encounter", Id1, Ct);
        Assert.Equal((DeliveryStatus.Sent, "s1", "srv-1", "1", (DateTimeOffset?)Start, Key), (sent!.Status, sent.SentHash, sent.ServerId, sent.ServerVersion, sent.SentAt, sent.PatientKey));
        var rejected = await Store.GetDeliveryAsync("ehr", "Encounter", Id2, Ct);
        Assert.Equal((DeliveryStatus.Rejected, null, "constraint failed"), (rejected!.Status, rejected.SentHash, rejected.Reason));
        Assert.NotNull(rejected.OperationOutcomeJson);
        Assert.Equal([Id1, Id2], (await Store.GetDeliveryStatesAsync("ehr", Key, Ct)).Select(s => s.Identifier).Order(StringComparer.Ordinal));
        Assert.Equal([Id2], (await Store.ListDeliveriesAsync("ehr", DeliveryStatus.Rejected, 10, Ct)).Select(s => s.Identifier));
        Assert.Null(await Store.GetDeliveryAsync("hie", "Encounter", Id1, Ct));

        // A later failure keeps what the destination holds: its id and the hash of the content it accepted.
        await MapAsync(e1: "b");
        await RecordAsync("ehr", await SequenceAsync("ehr"), new DeliveryOutcome("Encounter", Id1, "h-e1b", DeliveryStatus.RetryLater, "s1b", Reason: "HTTP 503"));
        var waiting = await Store.GetDeliveryAsync("ehr", "Encounter", Id1, Ct);
        Assert.Equal((DeliveryStatus.RetryLater, "s1", "srv-1", "HTTP 503"), (waiting!.Status, waiting.SentHash, waiting.ServerId, waiting.Reason));
    }

    [Fact]
    public async Task A_patient_stays_pending_while_an_outcome_waits_or_when_it_was_queued_again_meanwhile()
    {
        await MapAsync();
        var sequence = await SequenceAsync("ehr");

        var waiting = await RecordAsync("ehr", sequence, Sent(Id1, "srv-1"), new DeliveryOutcome("Encounter", Id2, "h-e2", DeliveryStatus.Conflict, "s2", Reason: "HTTP 412"));
        Assert.True(waiting.StillPending);
        Assert.Equal(1, waiting.Waiting);

        await MapAsync(e1: "b"); // changed while it was being delivered
        var overtaken = await RecordAsync("ehr", sequence, Sent(Id1, "srv-1"), Sent(Id2, "srv-2"));
        Assert.True(overtaken.StillPending);
        Assert.False((await RecordAsync("ehr", await SequenceAsync("ehr"), Sent(Id1, "srv-1", "s1b"))).StillPending);
    }

    [Fact]
    public async Task Registering_a_destination_new_to_the_store_queues_every_mapped_patient()
    {
        await MapAsync(key: "p-1", destinations: ["ehr"]);
        await MapAsync(key: "p-2", destinations: ["ehr"]);
        Assert.Equal([new DestinationBackfill("ehr", 2, "new")], await Store.RegisterDestinationsAsync([Ehr], Ct));
        Assert.Empty(await Store.RegisterDestinationsAsync([Ehr], Ct)); // once

        Assert.Equal([new DestinationBackfill("hie", 2, "new")], await Store.RegisterDestinationsAsync([Ehr, Hie], Ct));
        Assert.Equal(["p-1", "p-2"], await PendingAsync("hie"));

        // Found not permitted at the door: no work of theirs is lost (it was a backfill's), the patient is counted as such.
        Assert.Equal(0, await Store.CancelPendingAsync("p-1", "hie", "no consent names org-hie", Ct));
        Assert.Equal(["p-2"], await PendingAsync("hie"));
        Assert.Equal(1, (await Store.CountDeliveriesAsync(Ct)).Single(c => c.Destination == "hie").NotPermittedPatients);
    }

    [Fact]
    public async Task A_new_address_forgets_what_the_old_one_held_and_a_new_organization_keeps_it()
    {
        await Store.RegisterDestinationsAsync([Ehr], Ct);
        await MapAsync(destinations: ["ehr"]);
        await RecordAsync("ehr", await SequenceAsync("ehr"), Sent(Id1, "srv-1"), Sent(Id2, "srv-2"));

        Assert.Equal([new DestinationBackfill("ehr", 1, "its OrganizationId changed")], await Store.RegisterDestinationsAsync([Ehr with { OrganizationId = "org-2" }], Ct));
        Assert.NotNull(await Store.GetDeliveryAsync("ehr", "Encounter", Id1, Ct));

        Assert.Equal([new DestinationBackfill("ehr", 1, "its BaseUrl changed")],
            await Store.RegisterDestinationsAsync([Ehr with { OrganizationId = "org-2", BaseUrl = "https://new.example/fhir" }], Ct));
        Assert.Null(await Store.GetDeliveryAsync("ehr", "Encounter", Id1, Ct));
        Assert.Equal([Key], await PendingAsync("ehr"));
    }

    [Fact]
    public async Task Not_permitted_destinations_are_counted_and_a_patient_newly_permitted_is_queued_though_unchanged()
    {
        await Store.RegisterDestinationsAsync([Ehr, Hie], Ct);
        await Store.SavePatientMappingAsync(new(Key, 0, [Resource("Encounter", "e1", Json("Encounter", "e1"))], [], ["hie"])
        {
            NotPermitted = new Dictionary<string, string> { ["ehr"] = "no consent names org-ehr" },
        }, Ct);

        Assert.Empty(await PendingAsync("ehr"));
        var counts = await Store.CountDeliveriesAsync(Ct);
        Assert.Equal((0, 1), (counts[0].PendingPatients, counts[0].NotPermittedPatients));
        Assert.Equal((1, 0), (counts[1].PendingPatients, counts[1].NotPermittedPatients));

        // A consent that arrives changes the mapping anyway; but even an unchanged one now permitted goes.
        var again = await Store.SavePatientMappingAsync(new(Key, 0, [Resource("Encounter", "e1", Json("Encounter", "e1"))], [], ["ehr", "hie"]), Ct);
        Assert.Equal(1, again.Queued);
        Assert.Equal([Key], await PendingAsync("ehr"));
    }

    [Fact]
    public async Task The_consent_denied_at_the_door_cancels_the_pending_work_and_counts_what_it_held_back()
    {
        await Store.RegisterDestinationsAsync([Ehr, Hie], Ct);
        await MapAsync();
        await RecordAsync("ehr", await SequenceAsync("ehr"), Sent(Id1, "srv-1"));
        await MapAsync(e1: "b"); // e1 changed since

        Assert.Equal(2, await Store.CancelPendingAsync(Key, "ehr", "consent revoked", Ct)); // e1 in its new version, e2 never sent
        Assert.Empty(await PendingAsync("ehr"));
        Assert.Equal(2, await Store.CancelPendingAsync(Key, null, "consent revoked", Ct)); // hie still had both pending; ehr none now
        var counts = await Store.CountDeliveriesAsync(Ct);
        Assert.All(counts, c => Assert.Equal((0, 1), (c.PendingPatients, c.NotPermittedPatients)));
        Assert.Equal(2, counts.Count);
    }

    [Fact]
    public async Task Shared_resources_have_one_state_per_destination_written_under_their_lease()
    {
        var lease = await Store.TryClaimPatientAsync("a", StoreKeys.SharedResources("ehr"), Ct);
        Assert.NotNull(lease);
        var practitioner = new DeliveryOutcome("Practitioner", "http://hl7.org/fhir/sid/us-npi|1234567893", "s", DeliveryStatus.Sent, "s", "pr-1", "1");

        await Assert.ThrowsAsync<LeaseLostException>(() => Store.RecordSharedDeliveryAsync("ehr", [practitioner], "b", Ct));
        await Store.RecordSharedDeliveryAsync("ehr", [practitioner], "a", Ct);

        var state = Assert.Single(await Store.GetSharedDeliveryStatesAsync("ehr", Ct));
        Assert.Equal((StoreKeys.Shared, "pr-1", "s"), (state.PatientKey, state.ServerId, state.SentHash));
        Assert.Empty(await Store.GetSharedDeliveryStatesAsync("hie", Ct));
    }

    [Fact]
    public async Task Resend_forgets_what_the_destination_held_and_queues_the_patient_again()
    {
        await Store.RegisterDestinationsAsync([Ehr], Ct);
        await MapAsync(destinations: ["ehr"]);
        await MapAsync(key: "p-0002", destinations: ["ehr"]);
        await RecordAsync("ehr", await SequenceAsync("ehr"), Sent(Id1, "srv-1"), new DeliveryOutcome("Encounter", Id2, "h-e2", DeliveryStatus.Rejected, "s2", Reason: "bad"));
        await Store.RecordSharedDeliveryAsync("ehr", [new("Practitioner", "npi|1", "s", DeliveryStatus.Sent, "s", "pr-1")], null, Ct);

        Assert.Equal(0, await Store.ResendAsync("ehr", "p-unknown", Ct));
        Assert.Equal(1, await Store.ResendAsync("ehr", Key, Ct));

        Assert.Empty(await Store.GetDeliveryStatesAsync("ehr", Key, Ct));
        Assert.Empty(await Store.GetSharedDeliveryStatesAsync("ehr", Ct));
        Assert.Contains(Key, await PendingAsync("ehr"));
        Assert.Equal(2, await Store.ResendAsync("ehr", null, Ct));
    }

    [Fact]
    public async Task Stores_the_disclosure_with_the_delivery()
    {
        await MapAsync();
        var disclosure = new Disclosure("audit-1", Key, "org-ehr", "TREAT", "CNS-1", DisclosureChannel.Push, Start, ["Encounter/srv-1"], """{"resourceType":"AuditEvent"}""");

        await Store.RecordDeliveryAsync(new("ehr", Key, [Sent(Id1, "srv-1")]) { Disclosure = disclosure, QueueSequence = await SequenceAsync("ehr") }, Ct);

        Assert.Equal(disclosure with { ResourceIds = [] }, (await Store.GetDisclosuresAsync(Key, null, Ct)).Single() with { ResourceIds = [] });
    }

    [Fact]
    public async Task A_sent_outcome_needs_the_server_id_and_the_hash_of_what_was_sent()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RecordAsync("ehr", 1, new DeliveryOutcome("Encounter", Id1, "h", DeliveryStatus.Sent, "s")));
        await Assert.ThrowsAsync<ArgumentException>(() => RecordAsync("ehr", 1, new DeliveryOutcome("Encounter", Id1, "h", DeliveryStatus.Sent, ServerId: "srv-1")));
    }

    [Fact]
    public async Task Counts_the_resources_of_each_status_and_the_patients_pending_per_destination()
    {
        await Store.RegisterDestinationsAsync([Ehr, Hie], Ct);
        await MapAsync();
        await RecordAsync("ehr", await SequenceAsync("ehr"), Sent(Id1, "srv-1"), new DeliveryOutcome("Encounter", Id2, "h-e2", DeliveryStatus.Blocked, "s2", Reason: "waits"));

        Assert.Equal(
            [new DeliveryCounts("ehr", 0, 0, Sent: 1, 0, 0, 0, Blocked: 1, 0, 0), new DeliveryCounts("hie", PendingPatients: 1, 0, 0, 0, 0, 0, 0, 0, 0)],
            await Store.CountDeliveriesAsync(Ct));
    }

    [Fact]
    public async Task A_removed_resource_is_offered_for_withdrawal_unless_another_patient_maps_it_now()
    {
        await Store.SavePatientMappingAsync(new("p-a", 0, [Resource("Encounter", "e1", Json("Encounter", "e1")), Resource("Encounter", "e2", Json("Encounter", "e2"))], [], ["ehr"]), Ct);
        await Store.SavePatientMappingAsync(new("p-a", 0, [Resource("Patient", "1", Json("Patient", "1"))], [], ["ehr"]), Ct);
        await Store.SavePatientMappingAsync(new("p-b", 0, [Resource("Encounter", "e2", Json("Encounter", "e2"))], [], ["ehr"]), Ct); // e2 moved to p-b

        var removed = Assert.Single(await Store.GetRemovedResourcesAsync("p-a", Ct));
        Assert.Equal((Id1, Json("Encounter", "e1")), (removed.Identifier, removed.Json));
    }
}
