using FhirAdapter.Worker.Diagnostics;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Worker.Hosting;

/// <summary>
/// At service start, in the background: a new validation fingerprint (new profiles, a Firely upgrade) marks the stored
/// patients validated under another one; the scheduled passes then map and validate them again patient by patient
/// (progress: <c>status</c> counts the patients waiting to be mapped), withdrawing what the new profiles reject.
/// </summary>
internal sealed class RevalidationAtStart(Revalidation revalidation, ILogger<RevalidationAtStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Off the start path: loading the validator for its fingerprint takes seconds.
            await Task.Run(() => revalidation.MarkValidatedElsewhereAsync(stoppingToken), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RevalidationCheckFailed(logger, ex.GetType().Name); // the service runs on; it must not stop it
        }
    }
}
