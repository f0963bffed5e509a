using System.Text.Json.Nodes;
using FhirAdapter.Exchange.Http;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Exchange.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FhirAdapter.Exchange.Tests.Contract;

/// <summary>One write per patient in flight at a time; different patients in parallel up to MaxConcurrency.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Serializes_each_patient_and_runs_patients_in_parallel_up_to_MaxConcurrency()
    {
        var server = new CountingServer();
        using var host = ExchangeTestHost.Create("http://ehr.test/fhir", new Dictionary<string, string?> { ["MaxConcurrency"] = "3" },
            services => services.AddHttpClient(ExchangeHttpClients.ForDestination(ExchangeTestHost.Destination))
                .ConfigurePrimaryHttpMessageHandler(() => server));
        var work = Enumerable.Range(0, 3)
            .SelectMany(_ => Enumerable.Range(1, 6))
            .Select(n => (PatientKey: TestBundles.PatientKey(n), Bundle: TestBundles.Patient(n)))
            .ToList();

        var results = await host.SendManyAsync(work);

        Assert.Equal(18, server.Requests);
        Assert.InRange(server.MaxInFlight, 2, 3);
        Assert.Equal(1, server.MaxInFlightForOnePatient);
        Assert.Equal(work.Select(w => w.PatientKey), results.Select(r => r.PatientKey));
        Assert.All(results, r => Assert.True(r.AllSent));
    }

    [Fact]
    public async Task Two_sends_for_the_same_patient_never_overlap()
    {
        var server = new CountingServer();
        using var host = ExchangeTestHost.Create("http://ehr.test/fhir", configureServices:
            services => services.AddHttpClient(ExchangeHttpClients.ForDestination(ExchangeTestHost.Destination))
                .ConfigurePrimaryHttpMessageHandler(() => server));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.SendAsync(TestBundles.PatientKey(7), TestBundles.Patient(7))));

        Assert.Equal(4, server.Requests);
        Assert.Equal(1, server.MaxInFlight);
    }

    /// <summary>A stand-in server that holds each request briefly and counts what overlaps.</summary>
    private sealed class CountingServer : HttpMessageHandler
    {
        private readonly FakeTransactionResponder _fhir = new();
        private readonly Dictionary<string, int> _perPatient = [];
        private int _inFlight;

        public int Requests { get; private set; }

        public int MaxInFlight { get; private set; }

        public int MaxInFlightForOnePatient { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var patient = (string)JsonNode.Parse(body)!["entry"]![0]!["resource"]!["identifier"]![0]!["value"]!;
            lock (_perPatient)
            {
                Requests++;
                MaxInFlight = Math.Max(MaxInFlight, ++_inFlight);
                _perPatient[patient] = _perPatient.GetValueOrDefault(patient) + 1;
                MaxInFlightForOnePatient = Math.Max(MaxInFlightForOnePatient, _perPatient[patient]);
            }

            await Task.Delay(40, cancellationToken);
            lock (_perPatient)
            {
                _inFlight--;
                _perPatient[patient]--;
            }

            return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(_fhir.Respond(body), System.Text.Encoding.UTF8, "application/fhir+json"),
            };
        }
    }
}
