using FhirAdapter.Store;
using FhirAdapter.Worker.Sync;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// How a pass decides whether it reads the inbox (<see cref="SyncRunner.InboxScanTick"/>): a scheduled pass only with
/// its tick's claim, a pass asked for by hand always; and what the instance without the claim still does.
/// </summary>
public sealed class InboxScanClaimTests
{
    private static readonly DateTimeOffset Tick = TickInbox.FirstTick;

    [Fact]
    public async Task A_tick_claimed_by_an_instance_that_died_before_scanning_is_made_up_by_the_next_tick()
    {
        using var setup = TickInbox.Create();
        await using var worker = new InProcessWorker(TickInbox.Args(setup), new FakeTimeProvider(Tick));
        Assert.True(await worker.Store.TryClaimTickAsync(SyncRunner.InboxScanTick, Tick, "crashed-instance", CancellationToken.None));

        var lost = await worker.Runner.RunTickAsync(Tick, CancellationToken.None);
        var next = await worker.Runner.RunTickAsync(Tick.AddMinutes(5), CancellationToken.None);
        var late = await worker.Runner.RunTickAsync(Tick, CancellationToken.None); // a tick already over cannot be claimed

        Assert.False(lost.InboxScanned);
        Assert.Equal(0, lost.FilesRead);
        Assert.True(next.InboxScanned);
        Assert.Equal(TickInbox.First.Length, next.FilesRead);
        Assert.False(late.InboxScanned);
    }

    [Fact]
    public async Task A_pass_asked_for_by_hand_reads_the_inbox_even_when_another_instance_has_the_tick()
    {
        using var setup = TickInbox.Create();
        await using var worker = new InProcessWorker(TickInbox.Args(setup), new FakeTimeProvider(Tick));
        Assert.True(await worker.Store.TryClaimTickAsync(SyncRunner.InboxScanTick, Tick, "other-instance", CancellationToken.None));

        var report = await worker.Runner.RunOnceAsync(CancellationToken.None);

        Assert.True(report.InboxScanned);
        Assert.Equal(TickInbox.First.Length, report.FilesRead);
    }

    [Fact]
    public async Task The_instance_without_the_tick_maps_the_patients_the_scanning_instance_read()
    {
        using var setup = TickInbox.Create();
        var time = new FakeTimeProvider(Tick);
        await using var scanning = new InProcessWorker(TickInbox.Args(setup), time);
        await using var other = new InProcessWorker(TickInbox.Args(setup), time);

        // The scanning instance has claimed the tick and read the inbox, and is still busy (it has mapped nothing yet).
        Assert.True(await scanning.Store.TryClaimTickAsync(SyncRunner.InboxScanTick, Tick, scanning.Owner, CancellationToken.None));
        var run = await scanning.Store.StartSyncRunAsync(scanning.Owner, CancellationToken.None);
        await scanning.Ingestor.IngestAsync(run.Id, null, CancellationToken.None);

        var report = await other.Runner.RunTickAsync(Tick, CancellationToken.None);

        Assert.False(report.InboxScanned);
        Assert.True(report.PatientsMapped > 0);
        Assert.Empty(await other.Store.GetDirtyPatientsAsync(100, CancellationToken.None));
    }

    /// <summary>
    /// An instance that loses the tick to a scan still reading must not map from what the scan has stored so far: the
    /// rest of the inbox may revoke a consent (a patient disclosed that one instance alone would never disclose) or
    /// carry the rest of a patient (sent half). It waits for the scan's lease to be given back, then maps everything once.
    /// </summary>
    [Fact]
    public async Task The_instance_without_the_tick_waits_for_the_running_scan_and_maps_nothing_from_part_of_it()
    {
        using var setup = TickInbox.Create();
        var poll = SyncSetup.LeaseDuration / 10; // how often a waiting instance looks at the scan's lease
        var time = new WatchedClock(Tick, poll);
        await using var scanning = new InProcessWorker(TickInbox.Args(setup), time);
        await using var other = new InProcessWorker(TickInbox.Args(setup), time);

        // The scanning instance holds the scan's lease and the tick, and has read the files there so far.
        Assert.NotNull(await scanning.Store.TryClaimPatientAsync(scanning.Owner, StoreKeys.InboxScan, CancellationToken.None));
        Assert.True(await scanning.Store.TryClaimTickAsync(SyncRunner.InboxScanTick, Tick, scanning.Owner, CancellationToken.None));
        var run = await scanning.Store.StartSyncRunAsync(scanning.Owner, CancellationToken.None);
        await scanning.Ingestor.IngestAsync(run.Id, null, CancellationToken.None);
        var dirty = (await other.Store.GetDirtyPatientsAsync(100, CancellationToken.None)).Count;
        Assert.Equal(8, dirty); // seven patients and the forms

        // The other instance's pass either ends (it mapped from part of the scan) or waits for the scan on its clock.
        var pass = other.Runner.RunTickAsync(Tick, CancellationToken.None);
        await Task.WhenAny(pass, time.Polled).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(pass.IsCompleted, "the instance without the tick did not wait for the running scan");
        Assert.Equal(dirty, (await other.Store.GetDirtyPatientsAsync(100, CancellationToken.None)).Count);

        // The scan goes on to a file that arrived meanwhile, then ends; the waiting instance maps all of it.
        setup.Arrive(TickInbox.Later);
        await scanning.Ingestor.IngestAsync(run.Id, null, CancellationToken.None);
        await scanning.Store.ReleaseAsync(scanning.Owner, [StoreKeys.InboxScan], CancellationToken.None);
        time.Advance(poll);
        var report = await pass.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(report.InboxScanned);
        Assert.Equal(9, report.PatientsMapped);
        Assert.Empty(await other.Store.GetDirtyPatientsAsync(100, CancellationToken.None));
    }

    /// <summary>A fake clock that tells when something first waits on it for <paramref name="poll"/> (the scan's waiter).</summary>
    private sealed class WatchedClock(DateTimeOffset start, TimeSpan poll) : FakeTimeProvider(start)
    {
        private readonly TaskCompletionSource _polled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Polled => _polled.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == poll)
            {
                _polled.TrySetResult();
            }

            return timer;
        }
    }

    [Fact]
    public async Task Records_read_again_by_a_later_scan_store_nothing_twice()
    {
        // A scan that dies mid-file leaves that file without its checkpoint, so the next tick reads all of it again,
        // including records a crashed unit may have been about to store. Reading records already stored changes nothing:
        // the version rules make each a repeat, so no patient becomes dirty.
        using var setup = TickInbox.Create();
        await using var worker = new InProcessWorker(TickInbox.Args(setup), new FakeTimeProvider(Tick));
        var first = await worker.Runner.RunTickAsync(Tick, CancellationToken.None);
        var intakes = Path.Combine(setup.Inbox, TickInbox.First[^1]);
        File.Copy(intakes, Path.Combine(setup.Inbox, "2026-02-02_intakes-again.ndjson"));

        var again = await worker.Runner.RunTickAsync(Tick.AddMinutes(5), CancellationToken.None);

        Assert.True(first.PatientsMapped > 0);
        Assert.True(again.InboxScanned);
        Assert.Equal(1, again.FilesRead);
        Assert.Equal(File.ReadLines(intakes).Count(l => l.Length > 0), again.RecordsRead);
        Assert.Equal(0, again.PatientsMapped);
        Assert.Empty(await worker.Store.GetDirtyPatientsAsync(100, CancellationToken.None));
    }
}
