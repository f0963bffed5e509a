using FhirAdapter.Store.Runs;

namespace FhirAdapter.Store.Tests.Contracts;

public abstract class SyncRunStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    [Fact]
    public async Task Records_runs_and_reports_the_latest_first()
    {
        var first = await Store.StartSyncRunAsync("worker-a", Ct);
        Assert.Equal((Start, (SyncRunOutcome?)null), (first.StartedAt, first.Outcome));
        Time.Advance(TimeSpan.FromSeconds(40));
        await Store.FinishSyncRunAsync(first.Id, SyncRunOutcome.CompletedWithErrors, new SyncRunCounts(10, 8, 7, 2), Ct);
        var second = await Store.StartSyncRunAsync("worker-a", Ct); // never finished: its worker died

        var runs = await Store.GetRecentSyncRunsAsync(10, Ct);

        Assert.Equal([second.Id, first.Id], runs.Select(r => r.Id));
        Assert.Null(runs[0].FinishedAt);
        Assert.Equal(new SyncRun(first.Id, "worker-a", Start, Start.AddSeconds(40), SyncRunOutcome.CompletedWithErrors, new SyncRunCounts(10, 8, 7, 2)), runs[1]);
        Assert.Equal(second.Id, (await Store.GetSummaryAsync(TimeSpan.FromDays(1), Ct)).LastRun!.Id);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FinishSyncRunAsync(999, SyncRunOutcome.Failed, SyncRunCounts.None, Ct));
    }

    [Fact]
    public async Task Summarizes_the_store_for_status()
    {
        var summary = await Store.GetSummaryAsync(TimeSpan.FromDays(1), Ct);
        Assert.Equal(new StoreSummary(0, 0, 0, 0, 0, [], null), summary with { Deliveries = [] });
        Assert.Empty(summary.Deliveries);
    }
}
