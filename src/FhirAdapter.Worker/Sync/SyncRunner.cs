using FhirAdapter.Store;
using FhirAdapter.Store.Runs;
using FhirAdapter.Worker.Diagnostics;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// One pass of the pipeline: read the inbox's changed files into the store, map and validate the patients
/// whose records changed, then deliver what is pending to each destination. Every step commits per file or
/// per patient, so a pass stopped at any moment (even by SIGKILL) resumes where it was, losing nothing.
/// </summary>
internal sealed class SyncRunner(
    IAdapterStore store, InboxIngestor ingestor, PatientRemapper remapper, DeliveryRunner delivery, WorkerIdentity identity, AdapterMetrics metrics, TimeProvider time)
    : ISyncRunner
{
    public async Task<SyncReport> RunOnceAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var run = await store.StartSyncRunAsync(identity.Owner, cancellationToken).ConfigureAwait(false);
        var outcome = SyncRunOutcome.Failed;
        InboxIngestor.Counts? read = null;
        PatientRemapper.Counts? mapped = null;
        DeliveryRunner.Counts? delivered = null;
        try
        {
            read = await ingestor.IngestAsync(run.Id, progress, cancellationToken).ConfigureAwait(false);
            metrics.RecordsRead(read.Records, read.Rejected);
            mapped = await remapper.RemapDirtyAsync(identity.Owner, progress, cancellationToken).ConfigureAwait(false);
            metrics.Mapped(mapped.Patients, mapped.Invalid);
            delivered = await delivery.DeliverAsync(identity.Owner, progress, cancellationToken).ConfigureAwait(false);
            metrics.Delivered(delivered.Sent, delivered.Rejected);
            outcome = read.Rejected + mapped.Rejected + delivered.Rejected + delivered.WaitingForRetry == 0 ? SyncRunOutcome.Succeeded : SyncRunOutcome.CompletedWithErrors;
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

        return new SyncReport(started, time.GetUtcNow(), read.Files, read.Records, read.Rejected + mapped.Rejected, mapped.Held, mapped.Patients,
            mapped.Invalid, delivered.Sent, delivered.WaitingForRetry, delivered.Rejected,
            [.. delivered.Rejections.Select(r => $"{r.Destination}: {r.What}: {r.Reason}")]) { Withheld = delivered.Withheld };
    }
}
