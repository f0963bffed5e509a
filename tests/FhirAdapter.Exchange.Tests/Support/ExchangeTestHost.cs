using FhirAdapter.Exchange.Ledger;
using FhirAdapter.Exchange.Sending;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Exchange.Tests.Support;

/// <summary>The exchange as the host wires it (AddFhirExchange), with a fake clock, fake logs and an in-memory ledger.</summary>
internal sealed class ExchangeTestHost : IDisposable
{
    public const string Destination = "ehr";

    private readonly ServiceProvider _services;

    private ExchangeTestHost(ServiceProvider services, FakeTimeProvider? time)
    {
        _services = services;
        Time = time;
    }

    public FakeTimeProvider? Time { get; }

    public FakeTimeProvider Clock => Time ?? throw new InvalidOperationException("This host runs on the system clock");

    public IBundleSender Sender => _services.GetRequiredService<IBundleSender>();

    public InMemoryExchangeLedger Ledger => (InMemoryExchangeLedger)_services.GetRequiredService<IExchangeLedger>();

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    public IServiceProvider Services => _services;

    /// <summary>Settings of destination 0 as configuration keys below Adapter:Destinations:0 (e.g. "Auth:Type").</summary>
    public static ExchangeTestHost Create(
        string baseUrl,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        bool fakeTime = true,
        (string Name, string BaseUrl)? extraDestination = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Name"] = Destination,
            ["OrganizationId"] = "org-ehr",
            ["BaseUrl"] = baseUrl,
            ["MaxRetryAttempts"] = "3",
            ["BackoffBase"] = "00:00:01",
            ["MaxBackoff"] = "00:00:05",
            // The tests move the fake clock on while real requests are in flight (a second per few real milliseconds);
            // on a loaded machine a request can take long enough for the default 30 s to pass on that clock. Tests
            // about the timeouts set their own.
            ["AttemptTimeout"] = "00:30:00",
            ["TotalTimeout"] = "1.00:00:00",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }

        var pairs = values.Select(kv => new KeyValuePair<string, string?>($"Adapter:Destinations:0:{kv.Key}", kv.Value)).ToList();
        if (extraDestination is { } extra)
        {
            pairs.Add(new("Adapter:Destinations:1:Name", extra.Name));
            pairs.Add(new("Adapter:Destinations:1:OrganizationId", "org-" + extra.Name));
            pairs.Add(new("Adapter:Destinations:1:BaseUrl", extra.BaseUrl));
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(pairs).Build();
        var services = new ServiceCollection();
        services.AddFakeLogging();
        FakeTimeProvider? time = null;
        if (fakeTime)
        {
            time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
            services.AddSingleton<TimeProvider>(time);
        }

        services.AddFhirExchange(configuration);
        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<FhirAdapter.Exchange.Options.ExchangeOptions>>().Value; // validates, as ValidateOnStart would
        return new ExchangeTestHost(provider, time);
    }

    public Task<BundleSendResult> SendAsync(string patientKey, Hl7.Fhir.Model.Bundle bundle) =>
        Sender.SendAsync(patientKey, bundle, [Destination]);

    /// <summary>Event ids of the log records so far.</summary>
    public IReadOnlyList<int> EventIds => Logs.GetSnapshot().Select(r => r.Id.Id).ToList();

    public void Dispose() => _services.Dispose();
}
