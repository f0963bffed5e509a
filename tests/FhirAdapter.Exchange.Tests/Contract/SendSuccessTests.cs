using System.Text.Json.Nodes;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using Hl7.Fhir.Model;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FhirAdapter.Exchange.Tests.Contract;

public sealed class SendSuccessTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTransactionResponder _fhir = new();

    public SendSuccessTests() => _server
        .Given(Request.Create().WithPath("/fhir").UsingPost())
        .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, _fhir.Respond(r.Body!))));

    [Fact]
    public async System.Threading.Tasks.Task First_send_posts_one_transaction_of_conditional_updates_with_the_bearer_token()
    {
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?>
        {
            ["Auth:Type"] = "Bearer",
            ["Auth:Token"] = "static-token",
        });
        var bundle = TestBundles.Patient(1, observations: 2);

        var result = await host.SendAsync(TestBundles.PatientKey(1), bundle);

        var request = Assert.Single(_server.LogEntries);
        Assert.Equal("POST", request.RequestMessage.Method);
        Assert.Equal("/fhir", request.RequestMessage.Path);
        Assert.StartsWith(WireMockFhir.FhirJson, WireMockFhir.Header(request, "Content-Type"), StringComparison.Ordinal);
        Assert.Equal(WireMockFhir.FhirJson, WireMockFhir.Header(request, "Accept"));
        Assert.Equal("Bearer static-token", WireMockFhir.Header(request, "Authorization"));

        var sent = WireMockFhir.Body(request);
        Assert.Equal("Bundle", (string?)sent["resourceType"]);
        Assert.Equal("transaction", (string?)sent["type"]);
        var entries = sent["entry"]!.AsArray();
        Assert.Equal(["Patient", "Encounter", "Observation", "Observation", "Provenance"], entries.Select(e => (string)e!["resource"]!["resourceType"]!));
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal("PUT", (string?)entries[i]!["request"]!["method"]);
            Assert.Equal(bundle.Entry[i].Request!.Url, (string?)entries[i]!["request"]!["url"]);
            Assert.Null(entries[i]!["request"]!["ifMatch"]);
            Assert.Equal(bundle.Entry[i].FullUrl, (string?)entries[i]!["fullUrl"]);
        }

        // References inside one transaction stay urn:uuid: the server resolves them.
        Assert.Equal(bundle.Entry[0].FullUrl, (string?)entries[1]!["resource"]!["subject"]!["reference"]);

        var d = result;
        Assert.True(result.AllSent);
        Assert.Equal(5, d.Sent);
        Assert.All(d.Entries, e =>
        {
            Assert.Equal(EntryOutcome.Sent, e.Outcome);
            Assert.Equal(FakeTransactionResponder.IdFor(e.ResourceKey), e.ServerId);
            Assert.Equal("1", e.VersionId);
        });
        Assert.Equal(5, host.Known.Count(k => k.Value.VersionId == "1"));
    }

    [Fact]
    public async System.Threading.Tasks.Task Ids_and_versions_come_from_the_echoed_resources_when_there_is_no_location_or_ETag()
    {
        // A server that answers with neither location nor ETag, only the written resources echoed back with content of
        // its own (an element the model does not know, a malformed date): ids and versions come from those resources.
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithCallback(r =>
        {
            var sent = JsonNode.Parse(r.Body!)!["entry"]!.AsArray();
            var entries = new JsonArray([.. sent.Select((e, i) => (JsonNode)new JsonObject
            {
                ["response"] = new JsonObject { ["status"] = "201 Created" },
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = (string)e!["resource"]!["resourceType"]!,
                    ["id"] = $"echo-{i}",
                    ["meta"] = new JsonObject { ["versionId"] = "7", ["lastUpdated"] = "not a date" },
                    ["notAnElement"] = true,
                },
            })]);
            return WireMockFhir.Json(200, new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction-response", ["entry"] = entries }.ToJsonString());
        }));
        using var host = ExchangeTestHost.Create(server.Url + "/fhir");
        var bundle = TestBundles.Patient(3, observations: 2);

        var result = await host.SendAsync(TestBundles.PatientKey(3), bundle);

        Assert.True(result.AllSent);
        Assert.Equal(bundle.Entry.Count, result.Entries.Count);
        Assert.Equal(Enumerable.Range(0, bundle.Entry.Count).Select(i => $"echo-{i}"), result.Entries.Select(e => e.ServerId));
        Assert.All(result.Entries, e => Assert.Equal("7", e.VersionId));
    }

    [Fact]
    public async System.Threading.Tasks.Task Second_send_updates_by_id_with_If_Match_and_points_references_at_server_ids()
    {
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        var bundle = TestBundles.Patient(2);
        await host.SendAsync(TestBundles.PatientKey(2), bundle);

        var result = await host.SendAsync(TestBundles.PatientKey(2), bundle);

        Assert.Equal(2, _server.LogEntries.Count());
        var second = WireMockFhir.Body(_server.LogEntries.Last())["entry"]!.AsArray();
        var patientId = FakeTransactionResponder.IdFor(bundle.Entry[0].Request!.Url!);
        for (var i = 0; i < second.Count; i++)
        {
            var id = FakeTransactionResponder.IdFor(bundle.Entry[i].Request!.Url!);
            var type = bundle.Entry[i].Resource!.TypeName;
            Assert.Equal($"{type}/{id}", (string?)second[i]!["request"]!["url"]);
            Assert.Equal("W/\"1\"", (string?)second[i]!["request"]!["ifMatch"]);
            Assert.Equal(id, (string?)second[i]!["resource"]!["id"]);
            Assert.Equal($"{_server.Url}/fhir/{type}/{id}", (string?)second[i]!["fullUrl"]);
        }

        Assert.Equal($"Patient/{patientId}", (string?)second[1]!["resource"]!["subject"]!["reference"]);
        Assert.All(result.Entries, e => Assert.Equal("2", e.VersionId));

        // The caller's Bundle is left as it was given.
        Assert.StartsWith("urn:uuid:", ((Encounter)bundle.Entry[1].Resource!).Subject!.Reference, StringComparison.Ordinal);
        Assert.Null(bundle.Entry[0].Resource!.Id);
    }

    [Fact]
    public async System.Threading.Tasks.Task Entered_in_error_is_an_update_of_the_same_resource()
    {
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        var bundle = TestBundles.Patient(3);
        await host.SendAsync(TestBundles.PatientKey(3), bundle);
        var corrected = TestBundles.Patient(3);
        ((Observation)corrected.Entry[2].Resource!).Status = ObservationStatus.EnteredInError;

        var result = await host.SendAsync(TestBundles.PatientKey(3), corrected);

        var entry = WireMockFhir.Body(_server.LogEntries.Last())["entry"]!.AsArray()[2]!;
        Assert.Equal("PUT", (string?)entry["request"]!["method"]);
        Assert.Equal($"Observation/{FakeTransactionResponder.IdFor(corrected.Entry[2].Request!.Url!)}", (string?)entry["request"]!["url"]);
        Assert.Equal("entered-in-error", (string?)entry["resource"]!["status"]);
        Assert.True(result.AllSent);
    }

    public void Dispose() => _server.Dispose();
}
