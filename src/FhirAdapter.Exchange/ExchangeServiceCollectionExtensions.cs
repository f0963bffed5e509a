using FhirAdapter.Core.Configuration;
using FhirAdapter.Exchange.Auth;
using FhirAdapter.Exchange.Http;
using FhirAdapter.Exchange.Options;
using FhirAdapter.Exchange.Sending;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the FHIR exchange for a host.</summary>
public static class ExchangeServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Adapter:Destinations</c> (validated on start), registers <see cref="IBundleSender"/>, one HTTP client
    /// with its own resilience pipeline and circuit per configured destination. The exchange remembers nothing between
    /// sends: the caller says what each destination holds (<see cref="OutgoingBundle.Known"/>). Uses the registered <see cref="TimeProvider"/>
    /// (the system clock if none).
    /// </summary>
    public static IServiceCollection AddFhirExchange(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var destinations = configuration.GetSection(ExchangeOptions.DestinationsPath);
        services.AddOptionsWithValidateOnStart<ExchangeOptions>()
            .Configure(options =>
            {
                options.Destinations.Clear(); // the same list whichever number of times this is registered
                OptionsBinding.Bind(destinations, options.Destinations);
            })
            .ValidateWithKeys(ExchangeOptions.Path, new ExchangeOptionsValidator());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<ExchangeOptions>>(new ConfigurationChangeTokenSource<ExchangeOptions>(destinations)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExchangeOptions>, ExchangeOptionsRules>());
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenClients>();
        services.TryAddSingleton<FhirHttp>();
        services.TryAddSingleton(sp => new TransactionSender(
            sp.GetRequiredService<FhirHttp>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("FhirAdapter.Exchange")));
        services.TryAddSingleton<IBundleSender, BundleSender>();

        services.AddHttpClient(ExchangeHttpClients.TokenClient, c => c.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();

        // Clients are named at registration, so the list of destinations is read here; their settings are read
        // again from IOptionsMonitor when a pipeline or handler is built.
        var names = destinations.GetChildren()
            .Select(c => c["Name"])
            .OfType<string>()
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            AddDestinationClient(services, name);
        }

        return services;
    }

    private static void AddDestinationClient(IServiceCollection services, string name)
    {
        // Registration order is handler order: the pipeline outside, so that each attempt gets fresh credentials.
        // No default HttpClient logging: search URLs carry identifiers, the Patient's being its MRN.
        var client = services.AddHttpClient(ExchangeHttpClients.ForDestination(name), c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        client.AddResilienceHandler("fhir", (builder, context) =>
            {
                var sp = context.ServiceProvider;
                DestinationPipeline.Configure(
                    builder,
                    Destination(sp, name),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILoggerFactory>().CreateLogger("FhirAdapter.Exchange.Resilience"));
            });
        client.AddHttpMessageHandler(sp => new AuthenticationHandler(
                Destination(sp, name),
                sp.GetRequiredService<TokenClients>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("FhirAdapter.Exchange.Auth")));
    }

    private static DestinationOptions Destination(IServiceProvider sp, string name) =>
        sp.GetRequiredService<IOptionsMonitor<ExchangeOptions>>().CurrentValue.Find(name)
        ?? throw new InvalidOperationException($"No destination named '{name}' is configured");
}
