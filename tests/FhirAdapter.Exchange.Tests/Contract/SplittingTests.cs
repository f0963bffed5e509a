using FhirAdapter.Exchange.Options;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using Hl7.Fhir.Model;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FhirAdapter.Exchange.Tests.Contract;

/// <summary>Bundles larger than MaxBundleEntries go as several transactions with references kept intact.</summary>
public sealed class SplittingTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTransactionResponder _fhir = new();

    public SplittingTests() => _server.Given(Request.Create().WithPath("/fhir").UsingPost())
        .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, _fhir.Respond(r.Body!))));

    [Fact]
    public async System.Threading.Tasks.Task Later_chunks_reference_earlier_ones_by_the_ids_the_server_gave()
    {
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?> { ["MaxBundleEntries"] = "2" });
        var bundle = TestBundles.Patient(1, observations: 2);
        string Id(int i) => $"{bundle.Entry[i].Resource!.TypeName}/{FakeTransactionResponder.IdFor(bundle.Entry[i].Request!.Url!)}";

        var result = await host.SendAsync(TestBundles.PatientKey(1), bundle);

        var posts = _server.LogEntries.Select(WireMockFhir.Body).ToList();
        Assert.Equal([2, 2, 1], posts.Select(p => p["entry"]!.AsArray().Count));
        var first = posts[0]["entry"]!.AsArray();
        Assert.Equal(bundle.Entry[0].FullUrl, (string?)first[1]!["resource"]!["subject"]!["reference"]);
        var second = posts[1]["entry"]!.AsArray();
        Assert.Equal(Id(0), (string?)second[0]!["resource"]!["subject"]!["reference"]);
        Assert.Equal(Id(1), (string?)second[0]!["resource"]!["encounter"]!["reference"]);
        var provenance = posts[2]["entry"]![0]!["resource"]!;
        Assert.Equal(Enumerable.Range(0, 4).Select(Id), provenance["target"]!.AsArray().Select(t => (string?)t!["reference"]));
        Assert.True(result.AllSent);
        Assert.Equal(bundle.Entry.Select(e => e.Request!.Url), result.Entries.Select(e => e.ResourceKey));
    }

    [Fact]
    public async System.Threading.Tasks.Task Entries_are_sent_in_dependency_order_whatever_the_Bundle_order()
    {
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?> { ["MaxBundleEntries"] = "1" });
        var source = TestBundles.Patient(1);
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction, Entry = [source.Entry[3], source.Entry[2], source.Entry[1], source.Entry[0]] };

        var result = await host.SendAsync(TestBundles.PatientKey(1), bundle);

        Assert.Equal(["Patient", "Encounter", "Observation", "Provenance"],
            _server.LogEntries.Select(l => (string?)WireMockFhir.Body(l)["entry"]![0]!["resource"]!["resourceType"]));
        Assert.Equal(["Provenance", "Observation", "Encounter", "Patient"], result.Entries.Select(e => e.ResourceType));
        Assert.True(result.AllSent);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_failed_chunk_holds_back_the_chunks_that_depend_on_it()
    {
        // A strict server that refuses every transaction holding an Observation.
        _server.Reset();
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithCallback(r =>
            r.Body!.Contains("\"Observation\"", StringComparison.Ordinal)
                ? WireMockFhir.Json(422, WireMockFhir.Outcome("invalid", "bad"))
                : WireMockFhir.Json(200, _fhir.Respond(r.Body!))));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?> { ["MaxBundleEntries"] = "2" });

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1, observations: 2));

        // The second chunk is refused whole, then each of its halves; the Provenance, which refers to both rejected
        // Observations, is never sent (it would point at nothing) and waits for them.
        Assert.Equal(4, _server.LogEntries.Count());
        var outcomes = result.Entries.Select(e => e.Outcome).ToList();
        Assert.Equal([EntryOutcome.Sent, EntryOutcome.Sent, EntryOutcome.Rejected, EntryOutcome.Rejected, EntryOutcome.Blocked], outcomes);
        Assert.StartsWith("not sent: it refers to Observation (entry 2), which the destination rejected", result.Entries[4].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_that_reference_each_other_stay_in_one_chunk()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var a = "urn:uuid:" + Guid.NewGuid();
        var b = "urn:uuid:" + Guid.NewGuid();
        var put = (string url) => new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = url };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = a, Resource = new Encounter { PartOf = new ResourceReference(b) }, Request = put("Encounter?identifier=s|a") });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = b, Resource = new Encounter { PartOf = new ResourceReference(a) }, Request = put("Encounter?identifier=s|b") });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = new Patient(), Request = put("Patient?identifier=s|p") });
        var send = new Send(new DestinationOptions { Name = "ehr", BaseUrl = "http://ehr.test/fhir" }, new OutgoingBundle("patient", bundle));

        var chunks = BundleSplitter.Split(send.References, 1);

        Assert.Equal([[2], [0, 1]], chunks.Select(c => c.ToArray()));
    }

    public void Dispose() => _server.Dispose();
}
