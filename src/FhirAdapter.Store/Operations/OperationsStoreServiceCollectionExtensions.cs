using FhirAdapter.Store;
using FhirAdapter.Store.Operations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the console's store facets (operators, views of patient data, sync reports, console reads).</summary>
public static class OperationsStoreServiceCollectionExtensions
{
    /// <summary>Needs <see cref="StoreServiceCollectionExtensions.AddAdapterStore"/>: the same database, migrated by that store.</summary>
    public static IServiceCollection AddOperationsStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new OperationsSqlStore(
            sp.GetRequiredService<IAdapterStore>(), sp.GetRequiredService<IOptions<StoreOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IOperatorStore>(sp => sp.GetRequiredService<OperationsSqlStore>());
        services.TryAddSingleton<IPatientViewStore>(sp => sp.GetRequiredService<OperationsSqlStore>());
        services.TryAddSingleton<ISyncReportStore>(sp => sp.GetRequiredService<OperationsSqlStore>());
        services.TryAddSingleton<IOperationsQueries>(sp => sp.GetRequiredService<OperationsSqlStore>());
        return services;
    }
}
