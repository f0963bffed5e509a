using FhirAdapter.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FhirAdapter.Worker.Hosting;

/// <summary>Ready when the store answers (its schema migrated and its database reachable).</summary>
internal sealed class StoreHealthCheck(IAdapterStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{store.Provider} store reachable");
        }
#pragma warning disable CA1031 // Any failure means "not ready"; the type says enough and carries no data.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"{store.Provider} store unreachable ({ex.GetType().Name})");
        }
    }
}
