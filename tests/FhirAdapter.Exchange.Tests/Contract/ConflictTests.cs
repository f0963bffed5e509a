using FhirAdapter.Exchange.Ledger;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FhirAdapter.Exchange.Tests.Contract;

/// <summary>409/412: read the current versions once, apply once more, then give up.</summary>
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
            host.Ledger.Seed(ExchangeTestHost.Destination, e.Request!.Url!, new ServerVersion(e.Resource!.TypeName, "cur-" + e.Resource.TypeName, "3"));
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
    public async Task A_second_conflict_rejects_the_entries()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(412).WithBody(WireMockFhir.Outcome("duplicate", "multiple matches")));
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/fhir/*")).UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => WireMockFhir.Json(200, """{"resourceType":"Bundle","type":"searchset","total":0}""")));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Equal(2, _server.LogEntries.Count(l => l.RequestMessage.Method == "POST"));
        Assert.All(result.Destinations[0].Entries, e => Assert.Equal(EntryOutcome.Rejected, e.Outcome));
        Assert.Equal("HTTP 412: multiple matches", result.Destinations[0].Entries[0].Reason);
    }

    public void Dispose() => _server.Dispose();
}
