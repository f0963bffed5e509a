using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FhirAdapter.Exchange.Tests.Contract;

/// <summary>4xx answers: the entries are rejected with the server's reason, after exactly one attempt.</summary>
public sealed class RejectionTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    [Theory]
    [InlineData(400, "structure")]
    [InlineData(403, "forbidden")]
    [InlineData(404, "not-found")]
    [InlineData(422, "processing")]
    public async Task A_4xx_with_an_OperationOutcome_rejects_every_entry_of_the_transaction_after_one_attempt(int status, string code)
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", WireMockFhir.FhirJson).WithBody(WireMockFhir.Outcome(code, "Observation.status: minimum required = 1")));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Single(_server.LogEntries);
        var d = result.Destinations[0];
        Assert.Equal(d.Entries.Count, d.Rejected);
        Assert.All(d.Entries, e =>
        {
            Assert.Equal(EntryOutcome.Rejected, e.Outcome);
            Assert.Equal(status, e.HttpStatus);
            Assert.Equal($"HTTP {status}: Observation.status: minimum required = 1", e.Reason);
        });

        // The log names the issue code, never the server's text (it may quote patient data).
        var logs = string.Join("\n", host.Logs.GetSnapshot().Select(r => r.Message));
        Assert.Contains($"HTTP {status}, issue codes {code}", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("minimum required", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("MRN00001", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_with_a_static_token_is_rejected_without_a_retry()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(401));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?>
        {
            ["Auth:Type"] = "Bearer",
            ["Auth:Token"] = "expired",
        });

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Single(_server.LogEntries);
        Assert.All(result.Destinations[0].Entries, e => Assert.Equal(EntryOutcome.Rejected, e.Outcome));
        Assert.Equal("HTTP 401", result.Destinations[0].Entries[0].Reason);
    }

    [Fact]
    public async Task An_entry_error_inside_a_2xx_batch_style_answer_rejects_only_that_entry()
    {
        const string answer = """
            {"resourceType":"Bundle","type":"transaction-response","entry":[
              {"response":{"status":"201 Created","location":"Patient/p1/_history/1"}},
              {"response":{"status":"422","outcome":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"bad period"}]}}},
              {"response":{"status":"201 Created","location":"Observation/o1/_history/1"}},
              {"response":{"status":"201 Created","location":"Provenance/v1/_history/1"}}]}
            """;
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody(answer));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        var e = result.Destinations[0].Entries;
        Assert.Equal([EntryOutcome.Sent, EntryOutcome.Rejected, EntryOutcome.Sent, EntryOutcome.Sent], e.Select(x => x.Outcome));
        Assert.Equal("HTTP 422: bad period", e[1].Reason);
        Assert.Equal(("p1", "1"), (e[0].ServerId, e[0].VersionId));
    }

    [Fact]
    public async Task Unknown_destinations_and_malformed_Bundles_are_refused_at_the_door()
    {
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        await Assert.ThrowsAsync<ArgumentException>(() => host.Sender.SendAsync("p-1", TestBundles.Patient(1), ["nowhere"]));
        var batch = TestBundles.Patient(1);
        batch.Type = Hl7.Fhir.Model.Bundle.BundleType.Batch;
        await Assert.ThrowsAsync<ArgumentException>(() => host.SendAsync("p-1", batch));
        var noRequest = TestBundles.Patient(1);
        noRequest.Entry[1].Request = null;
        await Assert.ThrowsAsync<ArgumentException>(() => host.SendAsync("p-1", noRequest));
        await Assert.ThrowsAsync<ArgumentException>(() => host.SendAsync(" ", TestBundles.Patient(1)));
        Assert.Empty(_server.LogEntries);
    }

    public void Dispose() => _server.Dispose();
}
