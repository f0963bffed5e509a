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
