using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FhirAdapter.Exchange.Tests.Contract;

public sealed class CircuitBreakerTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task Opens_after_repeated_failures_stops_calling_the_destination_and_closes_after_a_good_trial()
    {
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?>
        {
            ["MaxRetryAttempts"] = "0",
            ["CircuitBreaker:MinimumThroughput"] = "2",
            ["CircuitBreaker:FailureRatio"] = "0.5",
            ["CircuitBreaker:BreakDuration"] = "00:00:30",
        });

        var first = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));
        var second = await host.SendAsync(TestBundles.PatientKey(2), TestBundles.Patient(2));
        Assert.Contains(4011, host.EventIds);
        var third = await host.SendAsync(TestBundles.PatientKey(3), TestBundles.Patient(3));

        Assert.Equal(2, _server.LogEntries.Count());
        Assert.All(first.Entries.Concat(second.Entries), e => Assert.Equal(503, e.HttpStatus));
        Assert.All(third.Entries, e =>
        {
            Assert.Equal(EntryOutcome.RetryLater, e.Outcome);
            Assert.StartsWith("circuit open", e.Reason, StringComparison.Ordinal);
        });

        var fhir = new FakeTransactionResponder();
        _server.Reset();
        _server.Given(Request.Create().WithPath("/fhir").UsingPost())
            .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, fhir.Respond(r.Body!))));
        host.Clock.Advance(TimeSpan.FromSeconds(31));
        var fourth = await host.SendAsync(TestBundles.PatientKey(4), TestBundles.Patient(4));

        Assert.True(fourth.AllSent);
        Assert.Contains(4012, host.EventIds);
    }

    [Fact]
    public async Task Each_destination_has_its_own_circuit()
    {
        using var healthy = WireMockServer.Start();
        var fhir = new FakeTransactionResponder();
        healthy.Given(Request.Create().WithPath("/fhir").UsingPost())
            .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, fhir.Respond(r.Body!))));
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        using var host = ExchangeTestHost.Create(_server.Url + "/fhir", new Dictionary<string, string?>
        {
            ["MaxRetryAttempts"] = "0",
            ["CircuitBreaker:MinimumThroughput"] = "2",
        }, services => { }, extraDestination: ("other", healthy.Url + "/fhir"));

        for (var i = 1; i <= 3; i++)
        {
            var failing = await host.SendAsync(TestBundles.PatientKey(i), TestBundles.Patient(i));
            var result = await host.SendAsync("other", TestBundles.PatientKey(i), TestBundles.Patient(i));
            Assert.Equal(0, failing.Sent);
            Assert.Equal(result.Entries.Count, result.Sent);
        }

        Assert.Equal(2, _server.LogEntries.Count());
        Assert.Equal(3, healthy.LogEntries.Count());
    }

    public void Dispose() => _server.Dispose();
}
