using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Patients;
using FhirAdapter.Worker.Delivery;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Tests.Delivery;

/// <summary>What a patient's delivery writes, given what the destination holds: only what differs.</summary>
public sealed class DeliveryPlannerTests
{
    private const string Key = "p-0000000000000000000000000000abcd";
    private const string Destination = "ehr";
    private const string Record = "https://fhir.kwc.example/sid/record";

    [Fact]
    public void A_first_delivery_writes_everything_and_leaves_the_shared_Practitioner_to_the_shared_writer()
    {
        var world = new World();

        var plan = world.Plan([]);

        Assert.Equal(["Patient", "Encounter", "Observation", "Observation", "Provenance", "Provenance"], plan.Items.Select(i => i.ResourceType));
        Assert.Single(plan.Items, i => i.IsNotice);
        Assert.All(plan.Items, i => Assert.Null(i.Known));
        var shared = Assert.Single(plan.Shared);
        Assert.Equal("Practitioner", shared.ResourceType);

        var bundle = plan.Build(new Dictionary<string, string> { [shared.FullUrl] = "Practitioner/pr1" }, new Dictionary<string, DeliveryPlan.Missing>())!;

        Assert.Equal(6, bundle.Bundle.Entry.Count);
        var encounter = (Encounter)bundle.Bundle.Entry[1].Resource!;
        Assert.Equal("Practitioner/pr1", encounter.Participant[0].Individual!.Reference);
        Assert.Equal(world.FullUrl(0), encounter.Subject!.Reference); // within the Bundle: the server resolves it
        Assert.Empty(bundle.Known);
    }

    [Fact]
    public void Nothing_is_written_when_the_destination_holds_everything_as_it_would_be_sent_now()
    {
        var world = new World();
        var states = world.AllSent();

        var plan = world.Plan(states);

        Assert.Equal(5, plan.Unchanged);
        Assert.Null(plan.Build(world.SharedResolved(), new Dictionary<string, DeliveryPlan.Missing>()));
        Assert.Empty(plan.Decided);
    }

    [Fact]
    public void One_changed_resource_goes_alone_with_the_notice_referring_to_the_others_by_their_ids()
    {
        var world = new World();
        var states = world.AllSent();
        ((Patient)world.Mapped.Entry[0].Resource!).Address = [new Address { City = "Springfield" }];

        var plan = world.Plan(states);
        var bundle = plan.Build(world.SharedResolved(), new Dictionary<string, DeliveryPlan.Missing>())!;

        Assert.Equal(["Patient", "Provenance"], bundle.Bundle.Entry.Select(e => e.Resource!.TypeName));
        Assert.Equal(new ServerVersionPair("Patient", "srv-0"), Pair(bundle.Known[world.FullUrl(0)]));
        var notice = (Provenance)bundle.Bundle.Entry[1].Resource!;
        Assert.Contains(world.FullUrl(0), notice.Target.Select(t => t.Reference)); // the Patient is in the Bundle
        Assert.Contains("Encounter/srv-1", notice.Target.Select(t => t.Reference)); // the rest is there already
        Assert.Equal(4, plan.Unchanged);
    }

    [Theory]
    [InlineData(DeliveryStatus.RetryLater, true)]
    [InlineData(DeliveryStatus.Conflict, true)]
    [InlineData(DeliveryStatus.Rejected, true)]
    [InlineData(DeliveryStatus.Sent, false)] // held there (its recorded time differs now): it goes with the next change
    public void The_notice_goes_alone_only_when_the_destination_did_not_store_it(DeliveryStatus noticeThere, bool goes)
    {
        var world = new World();
        var states = world.AllSent();
        var noticeIdentity = FhirAdapter.Worker.Sync.StoredBundles.IdentityOf($"Provenance?_tag={Record}|{Key}.disclosure.org");
        states.Add(new DeliveryState(Destination, Key, "Provenance", noticeIdentity, noticeThere, "earlier", noticeThere == DeliveryStatus.Sent ? "earlier" : null, 1,
            noticeThere == DeliveryStatus.Sent ? "srv-notice" : null, "1", null, null, null, DateTimeOffset.UnixEpoch));

        var plan = world.Plan(states);
        var bundle = plan.Build(world.SharedResolved(), new Dictionary<string, DeliveryPlan.Missing>());

        Assert.Equal(5, plan.Unchanged); // the data is held as it would be sent now
        var notice = Assert.Single(plan.Items);
        Assert.True(notice.IsNotice);
        if (!goes)
        {
            Assert.Null(bundle);
            return;
        }

        var entry = Assert.Single(bundle!.Bundle.Entry);
        var provenance = Assert.IsType<Provenance>(entry.Resource);
        Assert.Contains("Encounter/srv-1", provenance.Target.Select(t => t.Reference)); // its targets by their ids there
    }

    [Fact]
    public void A_label_change_is_a_change_the_destination_must_get()
    {
        var world = new World();
        var states = world.AllSent();
        foreach (var resource in world.Mapped.Entry.Select(e => e.Resource!))
        {
            SecurityLabels.Apply(resource, PatientSensitivity.Sud);
        }

        var plan = world.Plan(states);

        Assert.Equal(0, plan.Unchanged);
        Assert.Equal(6, plan.Items.Count);
    }

    [Fact]
    public void A_rejected_resource_that_did_not_change_is_not_sent_again_and_what_refers_to_it_waits()
    {
        var world = new World();
        var states = world.AllSent().Select(s => s.ResourceType == "Encounter" ? s with { Status = DeliveryStatus.Rejected, ServerId = null, SentHash = null } : s).ToList();
        ((Observation)world.Mapped.Entry[2].Resource!).Value = new Quantity(99, "/min");

        var plan = world.Plan(states);
        var bundle = plan.Build(world.SharedResolved(), new Dictionary<string, DeliveryPlan.Missing>());

        Assert.Equal(1, plan.StillRejected);
        var blocked = Assert.Single(plan.Decided);
        Assert.Equal(("Observation", DeliveryStatus.Blocked), (blocked.ResourceType, blocked.Kind));
        Assert.StartsWith("waits: it refers to Encounter S1, which the destination rejected", blocked.Reason, StringComparison.Ordinal);
        Assert.Null(bundle); // the notice alone does not go
    }

    [Fact]
    public void What_the_consent_leaves_out_is_withheld_once_per_version()
    {
        var world = new World();
        var prepared = world.Prepared();
        prepared.Entry.RemoveAt(3); // the second Observation, as a counseling note would be

        var plan = world.Plan([], prepared);
        var withheld = Assert.Single(plan.Decided);
        Assert.Equal((DeliveryStatus.Withheld, $"{Record}|S1.obs.1"), (withheld.Kind, withheld.Identifier));

        var again = world.Plan([new DeliveryState(Destination, Key, "Observation", $"{Record}|S1.obs.1", DeliveryStatus.Withheld, withheld.ContentHash, null, 1,
            null, null, null, withheld.Reason, null, DateTimeOffset.UnixEpoch)], prepared);
        Assert.Empty(again.Decided);
    }

    [Fact]
    public void A_resource_the_mapping_no_longer_produces_is_withdrawn_where_it_was_sent()
    {
        var world = new World();
        var states = world.AllSent();
        var removed = world.Stored()[3]; // an Observation
        var removedUrl = world.FullUrl(3);
        var gone = world.Stored()[0] with { ResourceType = "Provenance", Identifier = $"{Record}|old", LogicalId = Guid.NewGuid().ToString(), RequestUrl = "Provenance?_tag=old",
            Json = FhirJson.Serialize(new Provenance
            {
                Recorded = DateTimeOffset.UnixEpoch,
                Target = [new ResourceReference(world.FullUrl(0))],
                Agent = [new Provenance.AgentComponent { Who = new ResourceReference { Display = "FhirAdapter" } }],
            }, pretty: false) };
        world.Mapped.Entry.RemoveAt(3);
        states.Add(new DeliveryState(Destination, Key, "Provenance", $"{Record}|old", DeliveryStatus.Sent, "h", "h", 1, "srv-old", "1", null, null, null, DateTimeOffset.UnixEpoch));

        var plan = DeliveryPlanner.Plan(Key, world.Prepared(), world.Stored(), [removed, gone], states, PatientSensitivity.Psy);
        var bundle = plan.Build(world.SharedResolved(), new Dictionary<string, DeliveryPlan.Missing>())!;

        var withdrawal = bundle.Bundle.Entry.Single(e => e.FullUrl == removedUrl);
        Assert.Equal(ObservationStatus.EnteredInError, ((Observation)withdrawal.Resource!).Status);
        Assert.Equal("srv-3", bundle.Known[removedUrl].Id);
        Assert.True(SecurityLabels.HasAll(withdrawal.Resource!, PatientSensitivity.Psy));
        var delete = bundle.Bundle.Entry.Single(e => e.Request!.Method == Bundle.HTTPVerb.DELETE);
        Assert.Equal("srv-old", bundle.Known[delete.FullUrl!].Id);
        var withdrawn = plan.Items.Where(i => i.Entry == withdrawal || i.Entry == delete).ToList();
        Assert.Equal(2, withdrawn.Count);
        Assert.All(withdrawn, i => Assert.True(i.IsWithdrawal));
    }

    private static ServerVersionPair Pair(FhirAdapter.Exchange.Sending.ServerVersion v) => new(v.ResourceType, v.Id);

    private sealed record ServerVersionPair(string Type, string Id);

    /// <summary>A small mapped patient: Patient, Encounter (by a Practitioner), two Observations, the mapping Provenance, the Practitioner.</summary>
    private sealed class World
    {
        public Bundle Mapped { get; } = new() { Type = Bundle.BundleType.Transaction };

        public World()
        {
            var patient = Add(new Patient { Identifier = [new Identifier("https://fhir.kwc.example/sid/mrn", "MRN1")] }, "https://fhir.kwc.example/sid/mrn", "MRN1");
            var practitioner = "urn:uuid:" + StableIds.For("Practitioner", "http://hl7.org/fhir/sid/us-npi", "1234567893").ToString();
            var encounter = Add(new Encounter
            {
                Identifier = [new Identifier(Record, "S1")],
                Status = Encounter.EncounterStatus.Finished,
                Subject = new ResourceReference(patient),
                Participant = [new Encounter.ParticipantComponent { Individual = new ResourceReference(practitioner) }],
            }, Record, "S1");
            var targets = new List<string> { patient, encounter };
            for (var i = 0; i < 2; i++)
            {
                targets.Add(Add(new Observation
                {
                    Identifier = [new Identifier(Record, $"S1.obs.{i}")],
                    Status = ObservationStatus.Final,
                    Code = new CodeableConcept("http://loinc.org", "8867-4"),
                    Subject = new ResourceReference(patient),
                    Encounter = new ResourceReference(encounter),
                    Value = new Quantity(70 + i, "/min"),
                }, Record, $"S1.obs.{i}"));
            }

            var provenance = new Provenance { Recorded = DateTimeOffset.UnixEpoch, Target = [.. targets.Select(t => new ResourceReference(t))], Meta = new Meta() };
            provenance.Meta.Tag.Add(new Coding(Record, $"{Key}.provenance"));
            Mapped.Entry.Add(Entry(provenance, $"Provenance?_tag={Record}|{Key}.provenance", StableIds.For("Provenance", Record, $"{Key}.provenance").ToString()));
            Mapped.Entry.Add(Entry(new Practitioner { Identifier = [new Identifier("http://hl7.org/fhir/sid/us-npi", "1234567893")] },
                "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1234567893", practitioner["urn:uuid:".Length..]));
        }

        public string FullUrl(int i) => Mapped.Entry[i].FullUrl!;

        /// <summary>The store's rows of the mapping.</summary>
        public List<StoredResource> Stored() => [.. Mapped.Entry.Select(e => new StoredResource(Key, e.Resource!.TypeName, StoredBundlesIdentity(e.Request!.Url!),
            e.FullUrl!["urn:uuid:".Length..], e.Request.Url!, FhirJson.Serialize(e.Resource, pretty: false),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(FhirJson.Serialize(e.Resource, pretty: false)))),
            ResourceValidation.Valid, DateTimeOffset.UnixEpoch))];

        /// <summary>What leaves: a copy of the mapping plus a disclosure notice, as the consent filter makes it.</summary>
        public Bundle Prepared()
        {
            var prepared = (Bundle)Mapped.DeepCopy();
            var notice = new Provenance { Recorded = DateTimeOffset.UtcNow, Target = [.. Mapped.Entry.Take(4).Select(e => new ResourceReference(e.FullUrl))] };
            prepared.Entry.Add(Entry(notice, $"Provenance?_tag={Record}|{Key}.disclosure.org", Guid.NewGuid().ToString()));
            return prepared;
        }

        public DeliveryPlan Plan(IReadOnlyList<DeliveryState> states, Bundle? prepared = null) =>
            DeliveryPlanner.Plan(Key, prepared ?? Prepared(), Stored(), [], states, PatientSensitivity.Psy);

        /// <summary>The destination holds every patient resource as it would be sent now, under ids srv-N.</summary>
        public List<DeliveryState> AllSent()
        {
            var prepared = Prepared();
            var stored = Stored();
            return [.. stored.Select((r, i) => (r, i)).Where(x => x.r.ResourceType != "Practitioner").Select(x => new DeliveryState(Destination, Key, x.r.ResourceType,
                x.r.Identifier, DeliveryStatus.Sent, x.r.ContentHash, SentHashOf(prepared.Entry[x.i].Resource!), 1, $"srv-{x.i}", "1", DateTimeOffset.UnixEpoch, null, null,
                DateTimeOffset.UnixEpoch))];
        }

        public Dictionary<string, string> SharedResolved() => new() { [Mapped.Entry.Single(e => e.Resource is Practitioner).FullUrl!] = "Practitioner/pr1" };

        private static string SentHashOf(Resource resource) =>
            DeliveryPlanner.Plan(Key, new Bundle { Entry = [Entry(resource, "Observation?identifier=x|y", Guid.NewGuid().ToString())] }, [], [], [], null).Items[0].SentHash;

        private static string StoredBundlesIdentity(string url) => FhirAdapter.Worker.Sync.StoredBundles.IdentityOf(url);

        private string Add(Resource resource, string system, string value)
        {
            var entry = Entry(resource, $"{resource.TypeName}?identifier={system}|{value}", StableIds.For(resource.TypeName, system, value).ToString());
            Mapped.Entry.Add(entry);
            return entry.FullUrl!;
        }

        private static Bundle.EntryComponent Entry(Resource resource, string url, string uuid) => new()
        {
            FullUrl = "urn:uuid:" + uuid,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = url },
        };
    }
}
