using FhirAdapter.Operations.Sync;
using FhirAdapter.Store;
using FhirAdapter.Worker.Diagnostics;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Worker.Scheduling;

/// <summary>
/// Runs this instance's syncs one at a time, whoever asks (the schedule, <c>sync --once</c>, the console's "sync now"),
/// and keeps what the running one reports for the console's live progress. It wraps the real runner and changes
/// nothing in what a sync does: a scheduled tick waits for a console sync to finish, then runs as it would have.
/// </summary>
/// <param name="lifetime">The service's: stopping it cancels a console sync. A command's host or a bare service collection has none.</param>
internal sealed class SyncCoordinator(
    SyncRunner runner, WorkerIdentity identity, IPatientStore patients, TimeProvider time, ILogger<SyncCoordinator> logger, IHostApplicationLifetime? lifetime = null)
    : ISyncRunner, ISyncControl, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private SyncActivity _current = SyncActivity.Idle;
    private DateTimeOffset _stageStarted;
    private long _generation;
    private string? _failure;

    public string InstanceId => identity.Owner;

    public SyncActivity Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    public Task<SyncReport> RunOnceAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken) =>
        RunAsync("at the service's start", progress, watch => runner.RunOnceAsync(watch, cancellationToken), cancellationToken);

    public Task<SyncReport> RunTickAsync(DateTimeOffset tick, CancellationToken cancellationToken) => RunTickAsync(tick, null, cancellationToken);

    public Task<SyncReport> RunTickAsync(DateTimeOffset tick, IProgress<SyncProgress>? progress, CancellationToken cancellationToken) =>
        RunAsync("by the schedule", progress, watch => runner.RunTickAsync(tick, watch, cancellationToken), cancellationToken);

    public bool TryStartNow(string requestedBy)
    {
        if (!_gate.Wait(0))
        {
            return false;
        }

        Begin($"by {requestedBy}");
        var stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        _ = Task.Run(async () =>
        {
            try
            {
                var report = await runner.RunOnceAsync(new Watch(this, null), stopping).ConfigureAwait(false);
                Log.SyncFinished(logger, report.RecordsRead, report.PatientsMapped, report.Sent, report.WaitingForRetry, report.Rejected + report.RecordsRejected);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                Log.SyncStopped(logger);
            }
#pragma warning disable CA1031 // A failed pass started from the console must not take the service down; the next one tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.SyncFailed(logger, ex.GetType().Name);
                _failure = ex.GetType().Name;
            }
            finally
            {
                End();
                _gate.Release();
            }
        }, CancellationToken.None);
        return true;
    }

    private async Task<SyncReport> RunAsync(string trigger, IProgress<SyncProgress>? progress, Func<IProgress<SyncProgress>, Task<SyncReport>> run, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Begin(trigger);
            return await run(new Watch(this, progress)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _failure = ex.GetType().Name;
            throw;
        }
        finally
        {
            End();
            _gate.Release();
        }
    }

    private void Begin(string trigger)
    {
        lock (_lock)
        {
            _stageStarted = time.GetUtcNow();
            _failure = null;
            _current = new SyncActivity(true, trigger, _stageStarted, "Starting", 0, null, null, null, ++_generation);
        }
    }

    private void End()
    {
        lock (_lock)
        {
            _current = SyncActivity.Idle with { Generation = _generation, LastFailure = _failure };
        }
    }

    private void Report(SyncProgress progress)
    {
        var now = time.GetUtcNow();
        var newStage = false;
        lock (_lock)
        {
            if (!_current.Running)
            {
                return;
            }

            var done = progress.Done;
            int? total = progress.Total;
            if (!string.Equals(_current.Stage, progress.Stage, StringComparison.Ordinal))
            {
                _stageStarted = now;
                newStage = true;
            }
            else
            {
                // Patients are mapped side by side and report out of order: keep the highest count, and the total counted at the stage's start.
                done = Math.Max(done, _current.Done);
                total ??= _current.Total;
            }

            var elapsed = (now - _stageStarted).TotalSeconds;
            double? rate = elapsed >= 1 && done > 0 ? done / elapsed : null;
            TimeSpan? left = rate is { } r && total is { } t && t >= done ? TimeSpan.FromSeconds((t - done) / r) : null;
            _current = _current with { Stage = progress.Stage, Done = done, Total = total, RatePerSecond = rate, TimeLeft = left };
        }

        if (newStage && progress.Total is null && progress.Stage.StartsWith("Mapping", StringComparison.Ordinal))
        {
            _ = CountPatientsToMapAsync(progress.Stage);
        }
    }

    /// <summary>The mapping stage reports no total; the patients waiting to be mapped when it starts are that total.</summary>
    private async Task CountPatientsToMapAsync(string stage)
    {
        int doneBefore;
        lock (_lock)
        {
            doneBefore = _current.Done;
        }

        try
        {
            var waiting = (await patients.GetDirtyPatientsAsync(int.MaxValue, CancellationToken.None).ConfigureAwait(false)).Count;
            lock (_lock)
            {
                if (_current.Running && string.Equals(_current.Stage, stage, StringComparison.Ordinal) && _current.Total is null)
                {
                    _current = _current with { Total = Math.Max(waiting + doneBefore, _current.Done) };
                }
            }
        }
#pragma warning disable CA1031 // An estimate for a progress bar: without it the page shows the count alone.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Passes each report on to the caller's progress (the command's bars) and keeps it for the console.</summary>
    private sealed class Watch(SyncCoordinator owner, IProgress<SyncProgress>? inner) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            owner.Report(value);
            inner?.Report(value);
        }
    }
}
