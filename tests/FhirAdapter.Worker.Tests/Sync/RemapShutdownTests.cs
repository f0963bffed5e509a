using FhirAdapter.Worker.Sync;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// A remap stopped part-way (the service shutting down) gives back the leases of the patients it did not map, so that
/// the next start (another owner: a new process) maps them at once instead of after the lease expires.
/// </summary>
public sealed class RemapShutdownTests
{
    [Fact]
    public async Task A_remap_stopped_part_way_leaves_the_patients_it_did_not_map_free_for_the_next_process()
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        string[] args = [.. setup.Configuration, "--Adapter:RemapBatchSize=100"];
        await using var stopped = new InProcessWorker(args, TimeProvider.System);
        var run = await stopped.Store.StartSyncRunAsync(stopped.Owner, CancellationToken.None);
        await stopped.Ingestor.IngestAsync(run.Id, null, CancellationToken.None);
        var dirty = (await stopped.Store.GetDirtyPatientsAsync(1000, CancellationToken.None)).Count;
        Assert.True(dirty > 2, $"only {dirty} patients to map");

        using var shutdown = new CancellationTokenSource();
        var progress = new Progress(() => shutdown.Cancel()); // the shutdown comes as the first patient is done
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => stopped.Get<PatientRemapper>().RemapDirtyAsync(stopped.Owner, progress, shutdown.Token));

        var left = (await stopped.Store.GetDirtyPatientsAsync(1000, CancellationToken.None)).Count;
        Assert.InRange(left, 1, dirty - 1); // some were mapped, some were not
        await using var next = new InProcessWorker(args, TimeProvider.System);
        Assert.Equal(left, (await next.Store.ClaimDirtyPatientsAsync(next.Owner, 1000, CancellationToken.None)).Count);
    }

    /// <summary>Reports synchronously (System.Progress posts to the thread pool, too late to stop the batch).</summary>
    private sealed class Progress(Action onReport) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => onReport();
    }
}
