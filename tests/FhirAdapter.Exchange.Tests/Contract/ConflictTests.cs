using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FhirAdapter.Exchange.Tests.Contract;

/// <summary>409/412: read the current versions and apply again, up to MaxConflictRetries times; then the entries wait as conflicts.</summary>
public sealed class ConflictTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTransactionResponder _fhir = new();

    [Theory]
    [InlineData(409)]
    [InlineData(412)]
    public async Task A_stale_version_is_read_again_and_the_update_applied_once_more(int status)
    {
        var bundle = TestBundles.Patient(1);
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).InScenario("c").WillSetStateTo("reread")
            .RespondWith(Response.Create().WithStatusCode(status).WithBody(WireMockFhir.Outcome("conflict", "version mismatch")));
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).InScenario("c").WhenStateIs("reread")
            .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, _fhir.Respond(r.Body!))));
        // Every search finds the one current copy, at version 7.
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/fhir/*")).UsingGet())
            .RespondWith(Response.Create().WithCallback(r =>
            {
                var type = r.Path.Split('/')[2];
                var search = $"{{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":1,\"entry\":[{{\"search\":{{\"mode\":\"match\"}},\"resource\":{{\"resourceType\":\"{type}\",\"id\":\"cur-{type}\",\"meta\":{{\"versionId\":\"7\"}}}}}}]}}";
                return WireMockFhir.Json(200, search);
            }));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        foreach (var e in bundle.Entry)
        {
            host.Known[(ExchangeTestHost.Destination, e.Request!.Url!)] = new ServerVersion(e.Resource!.TypeName, "cur-" + e.Resource.TypeName, "3");
        }

        var result = await host.SendAsync(TestBundles.PatientKey(1), bundle);

        var posts = _server.LogEntries.Where(l => l.RequestMessage.Method == "POST").ToList();
        var gets = _server.LogEntries.Where(l => l.RequestMessage.Method == "GET").ToList();
        Assert.Equal(2, posts.Count);
        Assert.Equal(bundle.Entry.Count, gets.Count);
        Assert.Equal("W/\"3\"", (string?)WireMockFhir.Body(posts[0])["entry"]![0]!["request"]!["ifMatch"]);
        Assert.Equal("W/\"7\"", (string?)WireMockFhir.Body(posts[1])["entry"]![0]!["request"]!["ifMatch"]);
        Assert.Equal("Patient/cur-Patient", (string?)WireMockFhir.Body(posts[1])["entry"]![0]!["request"]!["url"]);

        // The re-read searches by the entry's identifier, escaped.
        Assert.Equal("/fhir/Patient", gets[0].RequestMessage.Path);
        Assert.Equal($"{TestBundles.MrnSystem}|MRN00001", gets[0].RequestMessage.Query!["identifier"].ToString());
        Assert.True(result.AllSent);

        // The searches carry the MRN; nothing logged does.
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("MRN00001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_conflict_that_outlasts_every_re_read_is_left_pending_not_rejected()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(412).WithBody(WireMockFhir.Outcome("conflict", "version mismatch")));
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/fhir/*")).UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => WireMockFhir.Json(200, """{"resourceType":"Bundle","type":"searchset","total":0}""")));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?> { ["MaxConflictRetries"] = "2" });

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Equal(3, _server.LogEntries.Count(l => l.RequestMessage.Method == "POST"));
        Assert.All(result.Entries, e => Assert.Equal(EntryOutcome.Conflict, e.Outcome));
        Assert.Equal("HTTP 412: version mismatch", result.Entries[0].Reason);
        Assert.Contains(4008, host.EventIds);
    }

    [Fact]
    public async Task An_entry_conflicting_inside_a_2xx_answer_is_re_read_and_applied_again_alone()
    {
        var fhir = new FakeTransactionResponder();
        var first = """
            {"resourceType":"Bundle","type":"transaction-response","entry":[
              {"response":{"status":"200 OK","location":"Patient/p1/_history/4"}},
              {"response":{"status":"412","outcome":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"conflict","diagnostics":"stale"}]}}},
              {"response":{"status":"200 OK","location":"Observation/o1/_history/2"}},
              {"response":{"status":"200 OK","location":"Provenance/v1/_history/2"}}]}
            """;
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).InScenario("e").WillSetStateTo("again")
            .RespondWith(Response.Create().WithCallback(_ => WireMockFhir.Json(200, first)));
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).InScenario("e").WhenStateIs("again")
            .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, fhir.Respond(r.Body!))));
        _server.Given(Request.Create().WithPath("/fhir/Encounter").UsingGet()).RespondWith(Response.Create().WithCallback(_ => WireMockFhir.Json(200,
            """{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"resource":{"resourceType":"Encounter","id":"e1","meta":{"versionId":"9"}}}]}""")));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        var bundle = TestBundles.Patient(1);
        foreach (var e in bundle.Entry)
        {
            host.Known[(ExchangeTestHost.Destination, e.Request!.Url!)] = new ServerVersion(e.Resource!.TypeName, e.Resource.TypeName[0] + "1", "1");
        }

        var result = await host.SendAsync(TestBundles.PatientKey(1), bundle);

        Assert.True(result.AllSent);
        var posts = _server.LogEntries.Where(l => l.RequestMessage.Method == "POST").Select(WireMockFhir.Body).ToList();
        Assert.Equal(2, posts.Count);
        var again = Assert.Single(posts[1]["entry"]!.AsArray());
        Assert.Equal("Encounter/e1", (string?)again!["request"]!["url"]);
        Assert.Equal("W/\"9\"", (string?)again["request"]!["ifMatch"]);
    }

    [Fact]
    public async Task Several_matches_at_the_destination_are_a_conflict_only_people_can_resolve()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(412).WithBody(WireMockFhir.Outcome("duplicate", "multiple matches")));
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/fhir/*")).UsingGet()).RespondWith(Response.Create().WithCallback(r =>
        {
            var type = r.Path.Split('/')[2];
            return WireMockFhir.Json(200, $$$"""{"resourceType":"Bundle","type":"searchset","total":2,"entry":[{"resource":{"resourceType":"{{{type}}}","id":"a"}},{"resource":{"resourceType":"{{{type}}}","id":"b"}}]}""");
        }));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Single(_server.LogEntries, l => l.RequestMessage.Method == "POST");
        Assert.All(result.Entries, e => Assert.Equal(EntryOutcome.Conflict, e.Outcome));
        Assert.Equal("the destination holds 2 Patient resources with this identity; merge them there", result.Entries[0].Reason);
    }

    public void Dispose() => _server.Dispose();
}
