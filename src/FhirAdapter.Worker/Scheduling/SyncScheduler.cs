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
/// <remarks>
/// A scheduled pass is named by its tick: the cron occurrence it was waiting for, not the clock when it woke.
/// Every instance on the same schedule therefore names the same tick even when their clocks differ by a few
/// seconds, and only the one that claims it scans the inbox (<see cref="ISyncRunner.RunTickAsync"/>). The pass at
/// start has no tick and always scans: the instance cannot know whether the last tick's scan finished (its scanner
/// may have died), and scanning again is harmless.
/// </remarks>
internal sealed class SyncScheduler(ISyncRunner runner, IOptions<WorkerOptions> options, TimeProvider time, ILogger<SyncScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value.ParseSchedule();
        if (options.Value.RunAtStart)
        {
            await RunAsync(tick: null, stoppingToken).ConfigureAwait(false);
        }

        DateTimeOffset? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Never before the tick just run: a timer that fires a hair early must not run (and claim) that tick twice.
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(last > now ? last.Value : now, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            Log.NextSync(logger, next.Value);
            try
            {
                // A timer waits at most about 49 days: a yearly schedule's wait goes in steps.
                for (var wait = next.Value - now; wait > TimeSpan.Zero; wait = next.Value - time.GetUtcNow())
                {
                    await Task.Delay(wait < MaxWait ? wait : MaxWait, time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            last = next;
            await RunAsync(next.Value, stoppingToken).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private async Task RunAsync(DateTimeOffset? tick, CancellationToken stoppingToken)
    {
        try
        {
            var report = tick is { } at
                ? await runner.RunTickAsync(at, stoppingToken).ConfigureAwait(false)
                : await runner.RunOnceAsync(stoppingToken).ConfigureAwait(false);
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
