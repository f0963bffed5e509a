using System.Collections.Concurrent;
using FhirAdapter.Exchange.Sending;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Exchange.Tests.Support;

/// <summary>
/// The exchange as the host wires it (AddFhirExchange), with a fake clock and fake logs. It remembers the ids the
/// destination gave, per conditional URL, and passes them as <see cref="OutgoingBundle.Known"/> on the next send, as
/// the worker does from its store.
/// </summary>
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

    /// <summary>Server id and version per destination and conditional URL, as the worker's store would keep them.</summary>
    public ConcurrentDictionary<(string Destination, string Key), ServerVersion> Known { get; } = new();

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

    public Task<DestinationResult> SendAsync(string patientKey, Hl7.Fhir.Model.Bundle bundle) => SendAsync(Destination, patientKey, bundle);

    public async Task<DestinationResult> SendAsync(string destination, string patientKey, Hl7.Fhir.Model.Bundle bundle)
    {
        var result = await Sender.SendAsync(destination, Outgoing(destination, patientKey, bundle));
        Remember(result);
        return result;
    }

    public async Task<IReadOnlyList<DestinationResult>> SendManyAsync(IEnumerable<(string PatientKey, Hl7.Fhir.Model.Bundle Bundle)> work)
    {
        var results = await Sender.SendManyAsync(Destination, [.. work.Select(w => Outgoing(Destination, w.PatientKey, w.Bundle))]);
        foreach (var result in results)
        {
            Remember(result);
        }

        return results;
    }

    /// <summary>The Bundle with what this destination is known to hold of its entries.</summary>
    public OutgoingBundle Outgoing(string destination, string patientKey, Hl7.Fhir.Model.Bundle bundle) => new(patientKey, bundle)
    {
        Known = bundle.Entry.Where(e => e.FullUrl is not null && e.Request?.Url is { } url && Known.ContainsKey((destination, url)))
            .ToDictionary(e => e.FullUrl!, e => Known[(destination, e.Request!.Url!)]),
    };

    /// <summary>Keeps the ids of what the destination stored (sent, or stored and waiting to be written again).</summary>
    public void Remember(DestinationResult result)
    {
        foreach (var e in result.Entries.Where(e => e.ServerId is not null))
        {
            Known[(result.Destination, e.ResourceKey)] = new ServerVersion(e.ResourceType, e.ServerId!, e.VersionId);
        }
    }

    /// <summary>Event ids of the log records so far.</summary>
    public IReadOnlyList<int> EventIds => Logs.GetSnapshot().Select(r => r.Id.Id).ToList();

    public void Dispose() => _services.Dispose();
}
