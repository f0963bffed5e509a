using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Operations;
using FhirAdapter.Store.Runs;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

/// <summary>The console's tables and reads (migration 0007), the same on every provider.</summary>
public abstract class OperationsStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private IAdapterStore Operations => Store;

    private static OperatorAccount Account(string name, OperatorRole role) => new(name, role, "AQAAAAIAAYagAAAAE-hash", 0, null, Start, null);

    [Fact]
    public async Task Operators_are_added_once_listed_by_name_and_removed()
    {
        Assert.Equal(0, await Operations.CountOperatorsAsync(Ct));
        Assert.True(await Operations.AddOperatorAsync(Account("zoe", OperatorRole.Privacy), Ct));
        Assert.True(await Operations.AddOperatorAsync(Account("adam", OperatorRole.Operator), Ct));
        Assert.False(await Operations.AddOperatorAsync(Account("zoe", OperatorRole.Operator), Ct));

        Assert.Equal(["adam", "zoe"], (await Operations.ListOperatorsAsync(Ct)).Select(o => o.Name));
        Assert.Equal(Account("zoe", OperatorRole.Privacy), await Operations.FindOperatorAsync("zoe", Ct));
        Assert.Equal(2, await Operations.CountOperatorsAsync(Ct));
        Assert.True(await Operations.RemoveOperatorAsync("zoe", Ct));
        Assert.False(await Operations.RemoveOperatorAsync("zoe", Ct));
        Assert.Null(await Operations.FindOperatorAsync("zoe", Ct));
    }

    [Fact]
    public async Task The_failure_that_reaches_the_limit_locks_out_and_a_success_clears_the_count()
    {
        await Operations.AddOperatorAsync(Account("lee", OperatorRole.Operator), Ct);
        var until = Start.AddMinutes(15);

        await Operations.RecordSignInFailedAsync("lee", 3, until, Ct);
        await Operations.RecordSignInFailedAsync("lee", 3, until, Ct);
        Assert.Equal((2, (DateTimeOffset?)null), await StateAsync());
        await Operations.RecordSignInFailedAsync("lee", 3, until, Ct);
        Assert.Equal((0, (DateTimeOffset?)until), await StateAsync());

        await Operations.RecordSignInFailedAsync("lee", 3, until.AddHours(1), Ct);
        Time.Advance(TimeSpan.FromMinutes(20));
        await Operations.RecordSignInSucceededAsync("lee", Ct);
        var account = await Operations.FindOperatorAsync("lee", Ct);
        Assert.Equal((0, (DateTimeOffset?)null, (DateTimeOffset?)Start.AddMinutes(20)), (account!.FailedSignIns, account.LockedUntil, account.LastSignInAt));

        async Task<(int, DateTimeOffset?)> StateAsync()
        {
            var a = await Operations.FindOperatorAsync("lee", Ct);
            return (a!.FailedSignIns, a.LockedUntil);
        }
    }

    [Fact]
    public async Task Views_of_patient_data_are_kept_and_listed_newest_first_per_patient()
    {
        await Operations.RecordPatientViewAsync("zoe", "p-1", "patient page", Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Operations.RecordPatientViewAsync("adam", "p-1", "accounting of disclosures (CSV download)", Ct);
        await Operations.RecordPatientViewAsync("zoe", "p-2", "patient page", Ct);
        await Operations.RecordPatientViewAsync("zoe", null, "raw quarantined record #4", Ct);

        var views = await Operations.GetPatientViewsAsync("p-1", 10, Ct);

        Assert.Equal([("adam", Start.AddMinutes(1)), ("zoe", Start)], views.Select(v => (v.OperatorName, v.ViewedAt)));
        Assert.Equal("accounting of disclosures (CSV download)", views[0].What);
        Assert.Single(await Operations.GetPatientViewsAsync("p-1", 1, Ct));
    }

    [Fact]
    public async Task A_runs_report_is_stored_beside_it_and_read_back_newest_first()
    {
        var first = await Store.StartSyncRunAsync("worker-a", Ct);
        await Store.FinishSyncRunAsync(first.Id, SyncRunOutcome.Succeeded, new SyncRunCounts(1, 2, 3, 0), Ct);
        await Operations.SaveSyncReportAsync(first.Id, """{"Sent":3}""", Ct);
        var second = await Store.StartSyncRunAsync("worker-b", Ct);

        var reports = await Operations.GetSyncReportsAsync(10, Ct);

        Assert.Equal([second.Id, first.Id], reports.Select(r => r.Run.Id));
        Assert.Null(reports[0].ReportJson);
        Assert.Equal("""{"Sent":3}""", reports[1].ReportJson);
        Assert.Equal(new SyncRunCounts(1, 2, 3, 0), reports[1].Run.Counts);
        Assert.Equal(reports[1], await Operations.GetSyncReportAsync(first.Id, Ct));
        Assert.Null(await Operations.GetSyncReportAsync(999, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Operations.SaveSyncReportAsync(999, "{}", Ct));
    }

    [Fact]
    public async Task Instances_are_those_that_synced_lately_or_hold_a_lease()
    {
        await Store.StartSyncRunAsync("worker-old", Ct);
        Time.Advance(TimeSpan.FromDays(2));
        await Store.StartSyncRunAsync("worker-a", Ct);
        Assert.NotNull(await Store.TryClaimPatientAsync("worker-b", "p-1", Ct));

        var instances = await Operations.GetInstancesAsync(Time.GetUtcNow().AddDays(-1), Ct);

        Assert.Equal([("worker-a", (DateTimeOffset?)Time.GetUtcNow(), 0), ("worker-b", null, 1)], instances.Select(i => (i.Owner, i.LastSyncAt, i.LeasesHeld)));
    }

    [Fact]
    public async Task Delivery_reads_name_resources_by_logical_id_and_list_the_problems_newest_first()
    {
        var e1 = Resource("Encounter", "e1", Json("Encounter", "e1"));
        var e2 = Resource("Encounter", "e2", Json("Encounter", "e2"));
        var e3 = Resource("Encounter", "e3", Json("Encounter", "e3"));
        await Store.SavePatientMappingAsync(new("p-0001", 0, [e1, e2, e3], [], ["ehr"]), Ct);
        var stored = await Store.GetResourcesAsync("p-0001", Ct);
        await Store.RecordDeliveryAsync(new("ehr", "p-0001", [
            new(e1.ResourceType, e1.Identifier, stored[0].ContentHash, DeliveryStatus.Sent, "s1", "srv-1", "1"),
            new(e2.ResourceType, e2.Identifier, stored[1].ContentHash, DeliveryStatus.Rejected, "s2", Reason: "HTTP 422: constraint failed"),
        ]), Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Store.RecordDeliveryAsync(new("ehr", "p-0001", [new(e3.ResourceType, e3.Identifier, stored[2].ContentHash, DeliveryStatus.RetryLater, "s3", Reason: "HTTP 503")]), Ct);

        var deliveries = await Operations.GetPatientDeliveriesAsync("p-0001", Ct);
        var problems = await Operations.GetDeliveryProblemsAsync(10, Ct);

        Assert.Equal([(e1.LogicalId, DeliveryStatus.Sent, "srv-1"), (e2.LogicalId, DeliveryStatus.Rejected, null), (e3.LogicalId, DeliveryStatus.RetryLater, null)],
            deliveries.Select(d => (d.LogicalId, d.Status, d.ServerId)));
        Assert.Equal(Start, deliveries[0].SentAt);
        Assert.Equal([(e3.LogicalId, DeliveryStatus.RetryLater, "HTTP 503"), (e2.LogicalId, DeliveryStatus.Rejected, "HTTP 422: constraint failed")],
            problems.Select(p => (p.LogicalId, p.Status, p.Reason)));
        Assert.All(problems, p => Assert.Equal(("ehr", "p-0001", "Encounter"), (p.Destination, p.PatientKey, p.ResourceType)));
        Assert.Single(await Operations.GetDeliveryProblemsAsync(1, Ct));
    }
}
