using FhirAdapter.Store;
using FhirAdapter.Worker.Delivery;
using FhirAdapter.Store.Leases;
using FhirAdapter.Store.Runs;
using FhirAdapter.Worker.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// One pass of the pipeline: read the inbox's changed files into the store, map and validate the patients
/// whose records changed, then deliver what is pending to each destination. Every step commits per file or
/// per patient, so a pass stopped at any moment (even by SIGKILL) resumes where it was, losing nothing.
/// </summary>
/// <remarks>
/// With several instances on one store, a scheduled pass reads the inbox only if this instance claims the tick
/// (<see cref="InboxScanTick"/>), which it claims only while it holds the lease <see cref="StoreKeys.InboxScan"/>: the
/// first to claim it scans, the others wait for that lease and then share the mapping and delivering. So scans never
/// overlap, and nobody maps from part of a scan, which would let the result depend on timing (a patient disclosed
/// under a consent whose revocation is in a file not read yet, where one instance would disclose nothing). If the
/// scanning instance dies mid-scan, its unfinished file has no checkpoint and a later tick's scan (on any instance,
/// once that lease has expired) reads it again; reading a file again stores nothing twice (the version rules make
/// a record already stored a repeat).
/// </remarks>
internal sealed class SyncRunner(
    IAdapterStore store, InboxIngestor ingestor, PatientRemapper remapper, DeliveryRunner delivery, WorkerIdentity identity, AdapterMetrics metrics,
    ISyncReportStore reports, IOptions<StoreOptions> storeOptions, TimeProvider time, ILogger<SyncRunner> logger)
    : ISyncRunner
{
    /// <summary>The tick lease's name for the scheduled inbox scan.</summary>
    public const string InboxScanTick = "inbox-scan";

    public Task<SyncReport> RunOnceAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken) => RunAsync(tick: null, progress, cancellationToken);

    public Task<SyncReport> RunTickAsync(DateTimeOffset tick, CancellationToken cancellationToken) => RunAsync(tick, progress: null, cancellationToken);

    public Task<SyncReport> RunTickAsync(DateTimeOffset tick, IProgress<SyncProgress>? progress, CancellationToken cancellationToken) => RunAsync(tick, progress, cancellationToken);

    private async Task<SyncReport> RunAsync(DateTimeOffset? tick, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var run = await store.StartSyncRunAsync(identity.Owner, cancellationToken).ConfigureAwait(false);
        var outcome = SyncRunOutcome.Failed;
        bool scanned;
        InboxIngestor.Counts? read = null;
        PatientRemapper.Counts? mapped = null;
        DestinationReport? delivered = null;
        IReadOnlyList<DestinationReport> destinations = [];
        try
        {
            var scan = await ScanAsync(run.Id, tick, progress, cancellationToken).ConfigureAwait(false);
            scanned = scan is not null;
            metrics.Pass(scanned);
            read = scan ?? InboxIngestor.Counts.None;
            metrics.RecordsRead(read.Records, read.Rejected);
            mapped = await remapper.RemapDirtyAsync(identity.Owner, progress, cancellationToken).ConfigureAwait(false);
            metrics.Mapped(mapped.Patients, mapped.Invalid);
            destinations = [.. (await delivery.DeliverAsync(identity.Owner, progress, cancellationToken).ConfigureAwait(false))
                .Select(d => d with { NotPermitted = d.NotPermitted + mapped.NotPermitted.GetValueOrDefault(d.Destination) })];
            delivered = destinations.Aggregate(new DestinationReport("all"), (sum, d) => sum.Add(d));
            metrics.Delivered(delivered.Sent, delivered.Rejected);
            outcome = read.Rejected + mapped.Rejected + delivered.Rejected + delivered.WaitingForRetry + delivered.Conflicts == 0
                ? SyncRunOutcome.Succeeded : SyncRunOutcome.CompletedWithErrors;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = SyncRunOutcome.Cancelled;
            throw;
        }
        finally
        {
            var counts = new SyncRunCounts(read?.Records ?? 0, mapped?.Patients ?? 0, delivered?.Sent ?? 0, (read?.Rejected ?? 0) + (mapped?.Rejected ?? 0) + (delivered?.Rejected ?? 0));
            await store.FinishSyncRunAsync(run.Id, outcome, counts, CancellationToken.None).ConfigureAwait(false);
            metrics.SyncDuration(time.GetUtcNow() - started);
        }

        var report = new SyncReport(started, time.GetUtcNow(), read.Files, read.Records, read.Rejected + mapped.Rejected, mapped.Held, mapped.Patients,
            mapped.Invalid, delivered.Sent, delivered.WaitingForRetry + delivered.Conflicts, delivered.Rejected, delivered.Rejections)
        {
            Withheld = delivered.Withheld,
            ResourcesUnchanged = mapped.Unchanged,
            InboxScanned = scanned,
            Destinations = destinations,
            FilesNotComplete = read.NotComplete,
            QuarantineCleared = read.QuarantineCleared,
        };

        // The whole report beside its run, serialized as it is: fields added to SyncReport later reach the console unchanged.
        await reports.SaveSyncReportAsync(run.Id, SyncReportJson.Serialize(report), CancellationToken.None).ConfigureAwait(false);
        return report;
    }

    /// <summary>
    /// Reads the inbox: always when asked for by hand (no tick); for a tick, only with the tick's claim. Null when this
    /// pass leaves the inbox alone. A scheduled pass claims the tick only while it holds the scan's lease, and waits for
    /// that lease while another instance's scan holds it: so it never maps or delivers a patient from part of what a
    /// scan is reading (a patient disclosed under a consent whose revocation is in a file not read yet, or sent half).
    /// </summary>
    private async Task<InboxIngestor.Counts?> ScanAsync(long runId, DateTimeOffset? tick, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var lease = await store.TryClaimPatientAsync(identity.Owner, StoreKeys.InboxScan, cancellationToken).ConfigureAwait(false);
        if (tick is not { } at)
        {
            // By hand: scans whatever the other instances do; holding the lease (when free) makes their passes wait.
            return await IngestAsync(runId, lease, progress, cancellationToken).ConfigureAwait(false);
        }

        if (lease is null)
        {
            Log.InboxScanWaiting(logger, at);
            lease = await WaitForScanLeaseAsync(cancellationToken).ConfigureAwait(false);
        }

        // Whoever claimed this tick before held the lease then, so its scan is over (or it died, and its lease expired).
        if (await store.TryClaimTickAsync(InboxScanTick, at, identity.Owner, cancellationToken).ConfigureAwait(false))
        {
            Log.InboxScanClaimed(logger, at);
            return await IngestAsync(runId, lease, progress, cancellationToken).ConfigureAwait(false);
        }

        await store.ReleaseAsync(identity.Owner, [StoreKeys.InboxScan], CancellationToken.None).ConfigureAwait(false);
        Log.InboxScanElsewhere(logger, at);
        return null;
    }

    private async Task<InboxIngestor.Counts> IngestAsync(long runId, PatientLease? lease, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        if (lease is null)
        {
            return await ingestor.IngestAsync(runId, progress, cancellationToken).ConfigureAwait(false);
        }

        var keeper = LeaseKeeper.For(store, identity.Owner, [lease], storeOptions, time);
        try
        {
            return await ingestor.IngestAsync(runId, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await keeper.DisposeAsync().ConfigureAwait(false);
            await store.ReleaseAsync(identity.Owner, [StoreKeys.InboxScan], CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the running scan ends (its lease is given back, or expires when its instance died) and takes its lease.</summary>
    private async Task<PatientLease> WaitForScanLeaseAsync(CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, storeOptions.Value.LeaseDuration.Ticks / 10));
        while (true)
        {
            await Task.Delay(every, time, cancellationToken).ConfigureAwait(false);
            if (await store.TryClaimPatientAsync(identity.Owner, StoreKeys.InboxScan, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }
        }
    }
}
