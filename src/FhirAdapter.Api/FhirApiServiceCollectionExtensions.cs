using FhirAdapter.Api.Accounting;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Disclosure;
using FhirAdapter.Api.Export;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Options;
using FhirAdapter.Api.Search;
using FhirAdapter.Core.Configuration;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Store.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the pull API's services.</summary>
public static class FhirApiServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Adapter:Api</c> (validated on start, each problem naming its key), registers the state store
    /// (<see cref="StoreServiceCollectionExtensions.AddAdapterStore"/>, if not already), the client registry
    /// (<see cref="IApiClientRegistry"/>), token issuing, search, the accounting of disclosures as AuditEvents, and the bulk export runner (a hosted service).
    /// Identifier systems come from <c>Adapter:Mapping:CanonicalBase</c>, as for the mapping.
    /// </summary>
    public static IServiceCollection AddFhirApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddFhirApiClients(configuration);
        services.TryAddSingleton(sp => ResourceQueries.From(sp.GetRequiredService<IAdapterStore>()));
        services.AddMappingOptions(configuration);
        services.TryAddSingleton(sp => new ClinicCanonicals(sp.GetRequiredService<IOptions<MappingOptions>>().Value.CanonicalBase));
        services.AddHttpClient(ClientKeyResolver.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));

        services.TryAddSingleton<ClientKeyResolver>();
        services.TryAddSingleton<AccessTokens>();
        services.TryAddSingleton<ClientAssertionValidator>();
        services.TryAddSingleton<ClientRateLimiter>();
        services.TryAddSingleton<ApiUrls>();
        services.TryAddSingleton<PatientAccess>();
        services.TryAddSingleton<VisibilityHistory>();
        services.TryAddSingleton<SearchService>();
        services.TryAddSingleton<AuditEventService>();
        services.TryAddSingleton<ExportJobs>();
        // By type, so that calling AddFhirApi twice still starts one runner.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExportRunner>());
        services.TryAddSingleton<FhirErrorFilter>();
        services.TryAddSingleton<ClientAuthenticationFilter>();
        return services;
    }

    /// <summary>
    /// What the <c>clients</c> commands need without the API itself: <c>Adapter:Api</c> bound and validated on start,
    /// the store, and <see cref="IApiClientRegistry"/> (configuration's clients and the store's).
    /// </summary>
    public static IServiceCollection AddFhirApiClients(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(FhirApiOptions.SectionName);
        services.AddOptionsWithValidateOnStart<FhirApiOptions>()
            .BindWithKeys(section)
            .PostConfigure(options => ReadClients(section, options))
            .ValidateWithKeys(FhirApiOptions.SectionName, new FhirApiOptionsValidator());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FhirApiOptions>, FhirApiOptionsRules>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddAdapterStore(configuration);
        services.TryAddSingleton<ApiClientRegistry>();
        services.TryAddSingleton<IApiClientRegistry>(sp => sp.GetRequiredService<ApiClientRegistry>());
        return services;
    }

    /// <summary>
    /// Reads the clients key by key rather than with the binder: <c>Jwks</c> may be written in appsettings.json as a
    /// JSON object rather than a string, which configuration holds as a section of keys (turned back into JSON text
    /// here), and the binder would silently drop such a client from the list.
    /// </summary>
    private static void ReadClients(IConfigurationSection section, FhirApiOptions options)
    {
        options.Clients.Clear();
        foreach (var child in section.GetSection("Clients").GetChildren()
                     .OrderBy(c => int.TryParse(c.Key, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue))
        {
            var jwks = child.GetSection("Jwks");
            var client = new ApiClientOptions
            {
                ClientId = child["ClientId"] ?? "",
                OrganizationId = child["OrganizationId"] ?? "",
                Jwks = jwks.Value ?? (jwks.GetChildren().Any() ? ConfigurationJson.ToJson(jwks).ToJsonString() : null),
                JwksUrl = child["JwksUrl"],
            };
            if (child["Scopes"] is { } scopes)
            {
                client.Scopes = scopes;
            }

            if (child["Purpose"] is { } purpose)
            {
                client.Purpose = purpose;
            }

            if (child["PermitLimit"] is { } limit)
            {
                // A value that is not a number has been named already, on binding (OptionsBinding); 0 would fail validation anyway.
                client.PermitLimit = int.TryParse(limit, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
            }

            options.Clients.Add(client);
        }
    }
}
