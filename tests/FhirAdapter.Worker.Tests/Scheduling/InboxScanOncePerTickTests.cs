using System.Collections.Concurrent;
using FhirAdapter.Worker.Sync;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Worker.Tests.Scheduling;

/// <summary>
/// The scheduled inbox scan runs once per tick across all instances (docs/scale-out.md): two instances, each with
/// its own scheduler, pipeline and store instance, on one store and one schedule. Each tick, both run a pass; exactly
/// one of them reads the inbox.
/// </summary>
public sealed class InboxScanOncePerTickTests
{
    private static readonly TimeSpan PassTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public Task On_SQLite_one_tick_gives_one_inbox_scan_and_the_next_tick_one_more() => TwoInstancesTwoTicksAsync(_ => []);

    [Fact, RequiresPostgres]
    public async Task On_PostgreSQL_one_tick_gives_one_inbox_scan_and_the_next_tick_one_more()
    {
        var (schema, connectionString) = TestPostgres.NewSchema("w", maxPoolSize: 10);
        try
        {
            await TwoInstancesTwoTicksAsync(_ => TestPostgres.StoreArgs(connectionString));
        }
        finally
        {
            TestPostgres.DropSchema(schema);
        }
    }

    [Fact]
    public async Task Instances_whose_clocks_differ_name_the_same_tick_and_scan_once()
    {
        using var setup = TickInbox.Create();
        var fast = new FakeTimeProvider(TickInbox.Start);
        var slow = new FakeTimeProvider(TickInbox.Start - TimeSpan.FromSeconds(20)); // 20 s behind
        await using var a = new InProcessWorker(TickInbox.Args(setup), fast);
        await using var b = new InProcessWorker(TickInbox.Args(setup), slow);
        var passes = await RunTickAsync([(a, fast), (b, slow)], minutes: 4); // the slow clock passes 10:05 in the fourth minute

        Assert.All(passes, p => Assert.Equal(TickInbox.FirstTick, p.Tick));
        Assert.Single(passes, p => p.Report.InboxScanned);
    }

    private static async Task TwoInstancesTwoTicksAsync(Func<SyncSetup, string[]> store)
    {
        using var setup = TickInbox.Create();
        var time = new FakeTimeProvider(TickInbox.Start);
        await using var a = new InProcessWorker(TickInbox.Args(setup, store(setup)), time);
        await using var b = new InProcessWorker(TickInbox.Args(setup, store(setup)), time);

        // 10:05: both instances run the tick's pass; one reads the three files, the other none.
        var first = await RunTickAsync([(a, time), (b, time)], minutes: 3);
        Assert.All(first, p => Assert.Equal(TickInbox.FirstTick, p.Tick));
        var scanner = Assert.Single(first, p => p.Report.InboxScanned);
        Assert.Equal(TickInbox.First.Length, scanner.Report.FilesRead);
        Assert.Equal(0, first.Single(p => !p.Report.InboxScanned).Report.FilesRead);
        await AssertMappedAsync(a, first, patients: 7, newPatients: 7, files: TickInbox.First.Length);

        // A new export, then 10:10: one more scan, which reads just that file.
        setup.Arrive(TickInbox.Later);
        var second = await RunTickAsync([(a, time), (b, time)], minutes: 5);
        Assert.All(second, p => Assert.Equal(TickInbox.FirstTick.AddMinutes(5), p.Tick));
        Assert.Equal(1, Assert.Single(second, p => p.Report.InboxScanned).Report.FilesRead);
        await AssertMappedAsync(a, second, patients: 9, newPatients: 2, files: 1);
    }

    /// <summary>
    /// Every patient mapped and none left to map: at least one mapping per new patient, and at most one per file the
    /// tick read (the instance without the scan waits for it, so a patient is mapped twice in one tick only when a
    /// lease runs out on the moving clocks and the other instance takes the patient over).
    /// </summary>
    private static async Task AssertMappedAsync(InProcessWorker worker, List<(DateTimeOffset? Tick, SyncReport Report)> passes, int patients, int newPatients, int files)
    {
        var mapped = await FhirAdapter.Store.Search.ResourceQueries.From(worker.Store).GetPatientKeysAsync(null, 100, CancellationToken.None);
        Assert.Equal(patients, mapped.Count);
        Assert.Equal(0, (await worker.Store.GetSummaryAsync(TimeSpan.FromDays(3), CancellationToken.None)).DirtyPatients);
        Assert.InRange(passes.Sum(p => p.Report.PatientsMapped), newPatients, newPatients * files);
    }

    /// <summary>
    /// Starts each instance's scheduler, moves the clocks on a minute at a time (a pause after each step lets the
    /// schedulers arm their timers, so no tick is overshot), and returns the passes of the tick they reach.
    /// </summary>
    private static async Task<List<(DateTimeOffset? Tick, SyncReport Report)>> RunTickAsync(
        IReadOnlyList<(InProcessWorker Worker, FakeTimeProvider Time)> instances, int minutes)
    {
        var recorders = instances.Select(i => new RecordingRunner(i.Worker.Runner)).ToList();
        var schedulers = instances.Select((i, n) => i.Worker.Scheduler(recorders[n])).ToList();
        try
        {
            foreach (var scheduler in schedulers)
            {
                await scheduler.StartAsync(CancellationToken.None);
            }

            for (var minute = 0; minute < minutes; minute++)
            {
                await Task.Delay(200);
                foreach (var time in instances.Select(i => i.Time).Distinct())
                {
                    time.Advance(TimeSpan.FromMinutes(1));
                }
            }

            // The instance without the scan waits for it on its own clock: keep the clocks moving, slowly (far short of
            // the next tick), until every pass has ended.
            var passed = Task.WhenAll(recorders.Select(r => r.WaitAsync(PassTimeout)));
            while (!passed.IsCompleted)
            {
                await Task.WhenAny(passed, Task.Delay(20));
                foreach (var time in instances.Select(i => i.Time).Distinct())
                {
                    time.Advance(TimeSpan.FromMilliseconds(50));
                }
            }

            Assert.All(await passed, ran => Assert.True(ran, "an instance ran no pass at its tick"));

            return [.. recorders.SelectMany(r => r.Passes)];
        }
        finally
        {
            foreach (var scheduler in schedulers)
            {
                await scheduler.StopAsync(CancellationToken.None);
                scheduler.Dispose();
            }
        }
    }

    /// <summary>Runs the real pipeline and keeps each pass's tick and report.</summary>
    private sealed class RecordingRunner(ISyncRunner inner) : ISyncRunner
    {
        private readonly SemaphoreSlim _passed = new(0);

        public ConcurrentQueue<(DateTimeOffset? Tick, SyncReport Report)> Passes { get; } = new();

        public Task<SyncReport> RunOnceAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken) =>
            RecordAsync(null, inner.RunOnceAsync(progress, cancellationToken));

        public Task<SyncReport> RunTickAsync(DateTimeOffset tick, CancellationToken cancellationToken) => RecordAsync(tick, inner.RunTickAsync(tick, cancellationToken));

        public Task<bool> WaitAsync(TimeSpan timeout) => _passed.WaitAsync(timeout);

        private async Task<SyncReport> RecordAsync(DateTimeOffset? tick, Task<SyncReport> pass)
        {
            try
            {
                var report = await pass;
                Passes.Enqueue((tick, report));
                return report;
            }
            finally
            {
                _passed.Release();
            }
        }
    }
}
