using FhirAdapter.Core.Configuration;
using FhirAdapter.Store;
using FhirAdapter.Store.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the state store for a host.</summary>
public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Adapter:Store</c> (validated on start) and registers <see cref="IAdapterStore"/>, and each of its
    /// facets (<see cref="IRecordStore"/>, <see cref="IPatientStore"/>, ..., <see cref="IResourceQuery"/>) as the same
    /// singleton, on the database that <c>Adapter:Store:Provider</c> names: a consumer asks for the facet it uses.
    /// The schema is migrated on first use; a host that wants
    /// it done before serving calls <see cref="IAdapterStore.MigrateAsync"/> at start. Uses the registered
    /// <see cref="TimeProvider"/> (the system clock if none).
    /// </summary>
    public static IServiceCollection AddAdapterStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptionsWithValidateOnStart<StoreOptions>()
            .BindWithKeys(configuration.GetSection(StoreOptions.SectionName))
            .ValidateWithKeys(StoreOptions.SectionName, new StoreOptionsValidator());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsRules>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Create);
        services.TryAddSingleton<IRecordStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<IPatientStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<IDeliveryStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<IQuarantineStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<ISyncRunStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<IDisclosureStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<ILeaseStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<IApiStateStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<IOperatorStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<IPatientViewStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<ISyncReportStore>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton<IOperationsQueries>(sp => sp.GetRequiredService<IAdapterStore>());
        services.TryAddSingleton(sp => ResourceQueries.From(sp.GetRequiredService<IAdapterStore>()));
        return services;
    }

    private static IAdapterStore Create(IServiceProvider services) => AdapterStores.Create(
        services.GetRequiredService<IOptions<StoreOptions>>().Value,
        services.GetRequiredService<TimeProvider>(),
        services.GetService<ILoggerFactory>());
}
