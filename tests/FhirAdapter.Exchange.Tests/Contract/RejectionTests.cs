using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FhirAdapter.Exchange.Tests.Contract;

/// <summary>
/// 4xx answers. Only the content itself is a rejection (400, 403, 422), with the server's reason; a whole transaction
/// refused for its content is halved until the entries at fault are found, so the good ones still go; a refused
/// endpoint or credentials (401, 404, 405...) leave the entries waiting, since the data is not at fault.
/// </summary>
public sealed class RejectionTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task A_403_with_an_OperationOutcome_rejects_every_entry_of_the_transaction_after_one_attempt()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(403)
            .WithHeader("Content-Type", WireMockFhir.FhirJson).WithBody(WireMockFhir.Outcome("forbidden", "Observation.status: minimum required = 1")));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Single(_server.LogEntries);
        var d = result;
        Assert.Equal(d.Entries.Count, d.Rejected);
        Assert.All(d.Entries, e =>
        {
            Assert.Equal(EntryOutcome.Rejected, e.Outcome);
            Assert.Equal(403, e.HttpStatus);
            Assert.Equal("HTTP 403: Observation.status: minimum required = 1", e.Reason);
        });

        // The log names the issue code, never the server's text (it may quote patient data).
        var logs = string.Join("\n", host.Logs.GetSnapshot().Select(r => r.Message));
        Assert.Contains("HTTP 403, issue codes forbidden", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("minimum required", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("MRN00001", logs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(422)]
    public async Task A_transaction_refused_for_one_bad_entry_is_halved_until_only_that_entry_is_rejected(int status)
    {
        // A strict server: the whole transaction fails while it holds the bad Observation (heart rate 999).
        var fhir = new FakeTransactionResponder();
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithCallback(r =>
            r.Body!.Contains("999", StringComparison.Ordinal)
                ? WireMockFhir.Json(status, WireMockFhir.Outcome("invalid", "Observation.valueQuantity: out of range"))
                : WireMockFhir.Json(200, fhir.Respond(r.Body!))));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        var bundle = TestBundles.Patient(1, observations: 2, heartRate: 998); // the second Observation is 999

        var result = await host.SendAsync(TestBundles.PatientKey(1), bundle);

        // Patient, Encounter, the good Observation go; the bad one is rejected with the server's words; the Provenance,
        // which refers to it, waits for it (blocked) rather than pointing at nothing.
        Assert.Equal(
            [EntryOutcome.Sent, EntryOutcome.Sent, EntryOutcome.Sent, EntryOutcome.Rejected, EntryOutcome.Blocked],
            result.Entries.Select(e => e.Outcome));
        Assert.Equal($"HTTP {status}: Observation.valueQuantity: out of range", result.Entries[3].Reason);
        Assert.StartsWith("not sent: it refers to Observation (entry 3), which the destination rejected", result.Entries[4].Reason, StringComparison.Ordinal);
        Assert.Contains(4007, host.EventIds);
        var stored = fhir.Requests.SelectMany(r => r["entry"]!.AsArray()).Select(e => (string?)e!["request"]!["url"]).ToList();
        Assert.DoesNotContain(stored, u => u!.StartsWith("Provenance", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(405)]
    public async Task A_refused_endpoint_or_credentials_leave_the_entries_waiting_not_rejected(int status)
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(status));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?>
        {
            ["Auth:Type"] = "Bearer",
            ["Auth:Token"] = "expired",
        });

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Single(_server.LogEntries);
        Assert.All(result.Entries, e => Assert.Equal(EntryOutcome.RetryLater, e.Outcome));
        Assert.Equal($"the destination refused the request (HTTP {status}): check its BaseUrl, credentials and permissions", result.Entries[0].Reason);
    }

    [Fact]
    public async Task An_entry_error_inside_a_2xx_batch_style_answer_rejects_only_that_entry_and_what_refers_to_it_goes_again()
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

        // The Observation and the Provenance were stored, but they refer to the Encounter that failed beside them: they
        // are written again (by their ids) once it exists.
        var e = result.Entries;
        Assert.Equal([EntryOutcome.Sent, EntryOutcome.Rejected, EntryOutcome.RetryLater, EntryOutcome.RetryLater], e.Select(x => x.Outcome));
        Assert.Equal("HTTP 422: bad period", e[1].Reason);
        Assert.Equal(("p1", "1"), (e[0].ServerId, e[0].VersionId));
        Assert.Equal(("o1", "1"), (e[2].ServerId, e[2].VersionId));
        Assert.StartsWith("stored while Encounter (entry 1) it refers to failed", e[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_destinations_and_malformed_Bundles_are_refused_at_the_door()
    {
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        await Assert.ThrowsAsync<ArgumentException>(() => host.SendAsync("nowhere", "p-1", TestBundles.Patient(1)));
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
