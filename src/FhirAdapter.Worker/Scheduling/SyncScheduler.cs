using FhirAdapter.Worker.Diagnostics;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Scheduling;

/// <summary>
/// Runs a sync pass at start and then at each time the cron schedule names. A pass that fails is
/// logged and the next one still runs; stopping lets the pass in flight finish its current patient
/// (each patient's work is committed on its own, so nothing is half-done after a stop).
/// </summary>
internal sealed class SyncScheduler(ISyncRunner runner, IOptions<WorkerOptions> options, TimeProvider time, ILogger<SyncScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value.ParseSchedule();
        if (options.Value.RunAtStart)
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            Log.NextSync(logger, next.Value);
            try
            {
                await Task.Delay(next.Value - now, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            var report = await runner.RunOnceAsync(stoppingToken).ConfigureAwait(false);
            Log.SyncFinished(logger, report.RecordsRead, report.PatientsMapped, report.Sent, report.WaitingForRetry, report.Rejected + report.RecordsRejected);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Log.SyncStopped(logger);
        }
#pragma warning disable CA1031 // A failed pass must not end the service: the next tick tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SyncFailed(logger, ex.GetType().Name);
        }
    }
}
