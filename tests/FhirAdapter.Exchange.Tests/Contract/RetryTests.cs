using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace FhirAdapter.Exchange.Tests.Contract;

/// <summary>Transient failures: retried after the right wait (on a fake clock: nothing here really sleeps for it).</summary>
public sealed class RetryTests : IDisposable
{
    private const int RetryScheduled = 4010;
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTransactionResponder _fhir = new();

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Waits_exactly_the_Retry_After_seconds_then_succeeds(int status)
    {
        FailFirst(Response.Create().WithStatusCode(status).WithHeader("Retry-After", "30")
            .WithBody(WireMockFhir.Outcome("throttled", "slow down")));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var send = host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));
        await Wait.UntilAsync(() => host.EventIds.Contains(RetryScheduled), "the retry is scheduled");
        Assert.Contains("in 00:00:30 after HTTP " + status, RetryLog(host), StringComparison.Ordinal);

        await Task.Delay(50);
        host.Clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(100);
        Assert.Single(_server.LogEntries);

        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var result = await send.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, _server.LogEntries.Count());
        Assert.True(result.AllSent);
    }

    [Fact]
    public async Task Honours_Retry_After_as_an_HTTP_date()
    {
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        var retryAt = host.Clock.GetUtcNow().AddSeconds(20);
        FailFirst(Response.Create().WithStatusCode(503).WithHeader("Retry-After", retryAt.ToString("r")));

        var send = host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));
        await Wait.UntilAsync(() => host.EventIds.Contains(RetryScheduled), "the retry is scheduled");
        Assert.Contains("in 00:00:20 after HTTP 503", RetryLog(host), StringComparison.Ordinal);

        await Task.Delay(50);
        host.Clock.Advance(TimeSpan.FromSeconds(20));
        var result = await send.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(result.AllSent);
        Assert.Equal(2, _server.LogEntries.Count());
    }

    [Fact]
    public async Task Backs_off_exponentially_when_there_is_no_Retry_After_and_leaves_the_entries_queued_when_retries_run_out()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(502));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var send = host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));
        var result = await AdvanceUntilDone(host, send);

        // 1 attempt + MaxRetryAttempts (3).
        Assert.Equal(4, _server.LogEntries.Count());
        var d = result;
        Assert.All(d.Entries, e => Assert.Equal(EntryOutcome.RetryLater, e.Outcome));
        Assert.All(d.Entries, e => Assert.Equal(502, e.HttpStatus));
        Assert.Equal(4, d.WaitingForRetry);

        // Jittered delays around 1 s, 2 s, 4 s (BackoffBase 1 s, capped at MaxBackoff 5 s).
        var delays = host.Logs.GetSnapshot().Where(r => r.Id.Id == RetryScheduled).Select(r => r.StructuredState!.First(s => s.Key == "Delay").Value).ToList();
        Assert.Equal(3, delays.Count);
        Assert.All(delays, v => Assert.InRange(TimeSpan.Parse(v!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Retries_a_dropped_connection()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost())
            .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, _fhir.Respond(r.Body!))));
        using var proxy = new DroppingProxy(new Uri(_server.Url!), drops: 2);
        using var host = ExchangeTestHost.Create(proxy.Url + "/fhir");

        var result = await AdvanceUntilDone(host, host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1)));

        Assert.True(result.AllSent);
        Assert.Equal(2, proxy.Dropped);
        Assert.Equal(2, host.Logs.GetSnapshot().Count(r => r.Id.Id == RetryScheduled && r.Message.Contains("connection error", StringComparison.Ordinal)));
        Assert.Single(_server.LogEntries);
    }

    [Fact]
    public async Task A_refused_connection_that_persists_leaves_the_entries_queued()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var host = ExchangeTestHost.Create($"http://127.0.0.1:{port}/fhir", new Dictionary<string, string?> { ["MaxRetryAttempts"] = "1" });

        var result = await AdvanceUntilDone(host, host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1)));

        Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == RetryScheduled);
        Assert.All(result.Entries, e => Assert.Equal(EntryOutcome.RetryLater, e.Outcome));
        Assert.All(result.Entries, e => Assert.Equal("connection failed", e.Reason));
    }

    [Fact]
    public async Task A_garbled_answer_leaves_the_entries_queued_rather_than_counting_them_sent()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var result = await AdvanceUntilDone(host, host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1)));

        Assert.All(result.Entries, e => Assert.Equal(EntryOutcome.RetryLater, e.Outcome));
        Assert.Empty(host.Known);
    }

    [Fact]
    public async Task An_attempt_that_exceeds_AttemptTimeout_is_abandoned_and_retried()
    {
        // The first answer comes after 2 real seconds; the fake clock passes the 10 s AttemptTimeout long before.
        var calls = 0;
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithCallback(r =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                Thread.Sleep(2000);
            }

            return WireMockFhir.Json(200, _fhir.Respond(r.Body!));
        }));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?> { ["AttemptTimeout"] = "00:00:10" });

        var result = await AdvanceUntilDone(host, host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1)));

        Assert.True(result.AllSent);
        Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == RetryScheduled && r.Message.EndsWith("after timeout", StringComparison.Ordinal));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task TotalTimeout_ends_the_retries_and_leaves_the_entries_queued()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "40"));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?>
        {
            ["AttemptTimeout"] = "00:00:30",
            ["TotalTimeout"] = "00:01:00",
            ["MaxRetryAttempts"] = "5",
        });

        var result = await AdvanceUntilDone(host, host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1)));

        // Attempts at 0 s and 40 s; the next (80 s) would be past the minute.
        Assert.Equal(2, _server.LogEntries.Count());
        Assert.All(result.Entries, e => Assert.Equal(EntryOutcome.RetryLater, e.Outcome));
        Assert.All(result.Entries, e => Assert.Equal("timed out", e.Reason));
    }

    [Fact]
    public async Task A_500_is_not_retried_but_left_queued()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(500).WithBody(WireMockFhir.Outcome("exception", "boom")));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Single(_server.LogEntries);
        Assert.All(result.Entries, e => Assert.Equal(EntryOutcome.RetryLater, e.Outcome));
        Assert.Equal("HTTP 500: boom", result.Entries[0].Reason);
    }

    [Fact]
    public async Task A_transaction_with_a_plain_create_is_never_repeated()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        var bundle = TestBundles.Patient(1);
        bundle.Entry[2].Request!.Method = Hl7.Fhir.Model.Bundle.HTTPVerb.POST;
        bundle.Entry[2].Request!.Url = "Observation";

        var result = await host.SendAsync(TestBundles.PatientKey(1), bundle);

        Assert.Single(_server.LogEntries);
        Assert.All(result.Entries, e => Assert.Equal(EntryOutcome.RetryLater, e.Outcome));
    }

    [Fact]
    public async Task A_conditional_create_counts_as_idempotent()
    {
        FailFirst(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "1"));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir");
        var bundle = TestBundles.Patient(1);
        bundle.Entry[2].Request!.Method = Hl7.Fhir.Model.Bundle.HTTPVerb.POST;
        bundle.Entry[2].Request!.IfNoneExist = "identifier=" + TestBundles.RecordSystem + "|session-1.vitals.0.hr";
        bundle.Entry[2].Request!.Url = "Observation";

        var result = await AdvanceUntilDone(host, host.SendAsync(TestBundles.PatientKey(1), bundle));

        Assert.Equal(2, _server.LogEntries.Count());
        Assert.Equal("identifier=" + TestBundles.RecordSystem + "|session-1.vitals.0.hr",
            (string?)WireMockFhir.Body(_server.LogEntries.Last())["entry"]![2]!["request"]!["ifNoneExist"]);
        Assert.True(result.AllSent);
    }

    private void FailFirst(IResponseBuilder failure)
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(failure);
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, _fhir.Respond(r.Body!))));
    }

    private static string RetryLog(ExchangeTestHost host) =>
        string.Join("\n", host.Logs.GetSnapshot().Where(r => r.Id.Id == RetryScheduled).Select(r => r.Message));

    /// <summary>Moves the fake clock in 1 s steps until the send finishes (each step lets real work catch up).</summary>
    internal static async Task<T> AdvanceUntilDone<T>(ExchangeTestHost host, Task<T> task)
    {
        for (var i = 0; i < 2000 && !task.IsCompleted; i++)
        {
            await Task.Delay(2);
            host.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => _server.Dispose();
}
