using FhirAdapter.Worker.Scheduling;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Worker.Tests.Scheduling;

public sealed class SyncSchedulerTests
{
    private sealed class CountingRunner(bool fail = false) : ISyncRunner
    {
        private readonly SemaphoreSlim _ran = new(0);

        public int Runs { get; private set; }

        public Task<SyncReport> RunOnceAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
        {
            Runs++;
            _ran.Release();
            return fail
                ? throw new InvalidOperationException("the store is unreachable")
                : Task.FromResult(new SyncReport(default, default, 0, 0, 0, 0, 0, 0, 0, 0, 0, []));
        }

        public Task<SyncReport> RunTickAsync(DateTimeOffset tick, CancellationToken cancellationToken) => RunOnceAsync(null, cancellationToken);

        public Task<bool> WaitForRunAsync(TimeSpan? timeout = null) => _ran.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
    }

    private static SyncScheduler Scheduler(ISyncRunner runner, FakeTimeProvider time, string schedule = "*/5 * * * *") =>
        new(runner, Options.Create(new WorkerOptions { Schedule = schedule }), time, NullLogger<SyncScheduler>.Instance);

    [Fact]
    public async Task Syncs_at_start_and_then_at_each_scheduled_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 9, 10, 2, 0, TimeSpan.Zero));
        var runner = new CountingRunner();
        using var scheduler = Scheduler(runner, time);

        await scheduler.StartAsync(CancellationToken.None);
        Assert.True(await Wait(runner));

        // Started 10:02, every 5 minutes: the next run is at 10:05, three minutes on, then at 10:10.
        Assert.Equal(3, await MinutesUntilNextRunAsync(time, runner));
        Assert.Equal(5, await MinutesUntilNextRunAsync(time, runner));
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failed_sync_does_not_stop_the_schedule()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 9, 10, 2, 0, TimeSpan.Zero));
        var runner = new CountingRunner(fail: true);
        using var scheduler = Scheduler(runner, time);

        await scheduler.StartAsync(CancellationToken.None);
        Assert.True(await Wait(runner));

        Assert.Equal(3, await MinutesUntilNextRunAsync(time, runner));
        Assert.Equal(2, runner.Runs);
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_schedule_months_away_waits_for_it_instead_of_stopping_the_service()
    {
        // Once a year, on 1 January: further away than one timer can wait (about 49 days).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 9, 10, 2, 0, TimeSpan.Zero));
        var runner = new CountingRunner();
        using var scheduler = Scheduler(runner, time, "0 0 1 1 *");

        await scheduler.StartAsync(CancellationToken.None);
        Assert.True(await Wait(runner));
        while (time.GetUtcNow().AddDays(10) < new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero))
        {
            await Task.Delay(20);
            time.Advance(TimeSpan.FromDays(10));
            Assert.False(scheduler.ExecuteTask!.IsCompleted, $"the scheduler stopped on {time.GetUtcNow():d}: {scheduler.ExecuteTask.Exception}");
        }

        Assert.Equal(1, runner.Runs);
        await Task.Delay(20);
        time.Advance(TimeSpan.FromDays(10));
        Assert.True(await Wait(runner));
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("every five minutes")]
    [InlineData("61 * * * *")]
    public void A_bad_schedule_fails_validation_naming_the_key(string schedule)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var options = new WorkerOptions { Schedule = schedule };

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, true));
        Assert.Contains("Adapter:Schedule", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    private static Task<bool> Wait(CountingRunner runner) => runner.WaitForRunAsync();

    /// <summary>
    /// Moves the fake clock a minute at a time, giving the scheduler a moment after each step, and returns how
    /// many minutes passed before it ran. Stepping (rather than one jump) cannot overshoot a tick the scheduler
    /// had not yet armed its timer for.
    /// </summary>
    private static async Task<int> MinutesUntilNextRunAsync(FakeTimeProvider time, CountingRunner runner)
    {
        for (var minutes = 1; minutes <= 30; minutes++)
        {
            await Task.Delay(100);
            time.Advance(TimeSpan.FromMinutes(1));
            if (await runner.WaitForRunAsync(TimeSpan.FromMilliseconds(300)))
            {
                return minutes;
            }
        }

        return -1;
    }
}
