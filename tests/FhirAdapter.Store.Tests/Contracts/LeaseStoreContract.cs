using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Patients;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

public abstract class LeaseStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private static readonly TimeSpan Lease = new StoreOptions().LeaseDuration;

    private async Task DirtyAsync(params string[] keys)
    {
        foreach (var key in keys)
        {
            await Store.MarkDirtyAsync(key, Ct);
            Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task Claims_dirty_patients_once_across_workers()
    {
        await DirtyAsync("p-1", "p-2", "p-3");

        var a = await Store.ClaimDirtyPatientsAsync("a", 2, Ct);
        var b = await Store.ClaimDirtyPatientsAsync("b", 10, Ct);

        Assert.Equal(["p-1", "p-2"], a.Select(l => l.PatientKey));
        Assert.Equal(["p-3"], b.Select(l => l.PatientKey));
        Assert.All(a, l => Assert.Equal(("a", Start.AddSeconds(3) + Lease), (l.Owner, l.ExpiresAt)));
        Assert.Equal(1, a[0].Generation);
        Assert.Null(await Store.TryClaimPatientAsync("b", "p-1", Ct));
        Assert.Equal(("p-9", "b", 0L), await Store.TryClaimPatientAsync("b", "p-9", Ct) is { } one ? (one.PatientKey, one.Owner, one.Generation) : default);
        Assert.Equal(["p-1", "p-2"], (await Store.ClaimDirtyPatientsAsync("a", 10, Ct)).Select(l => l.PatientKey)); // own leases come back, extended
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_old_owner_can_no_longer_write()
    {
        await DirtyAsync("p-1");
        var lease = Assert.Single(await Store.ClaimDirtyPatientsAsync("a", 10, Ct));
        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await Store.ClaimDirtyPatientsAsync("b", 10, Ct));

        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Single(await Store.ClaimDirtyPatientsAsync("b", 10, Ct));

        Assert.Empty(await Store.RenewAsync("a", ["p-1"], Ct));
        var mapping = new PatientMapping("p-1", lease.Generation, [Resource("Patient", "1", Json("Patient", "1"))], [], ["ehr"]) { LeaseOwner = "a" };
        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => Store.SavePatientMappingAsync(mapping, Ct));
        Assert.Equal(("p-1", "a"), (lost.PatientKey, lost.Owner));
        Assert.Empty(await Store.GetResourcesAsync("p-1", Ct));
        Assert.Single(await Store.GetDirtyPatientsAsync(10, Ct));

        await Store.SavePatientMappingAsync(mapping with { LeaseOwner = "b" }, Ct);
        Assert.Single(await Store.GetResourcesAsync("p-1", Ct));
    }

    [Fact]
    public async Task Renewal_keeps_a_lease_and_release_frees_it()
    {
        await DirtyAsync("p-1", "p-2");
        await Store.ClaimDirtyPatientsAsync("a", 10, Ct);
        Time.Advance(Lease - TimeSpan.FromSeconds(10));

        var renewed = await Store.RenewAsync("a", ["p-1", "p-2", "p-9"], Ct);
        Assert.Equal(["p-1", "p-2"], renewed.Select(l => l.PatientKey));
        Assert.All(renewed, l => Assert.Equal(Time.GetUtcNow() + Lease, l.ExpiresAt));
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await Store.ClaimDirtyPatientsAsync("b", 10, Ct));

        await Store.ReleaseAsync("b", ["p-1"], Ct); // not b's to release
        await Store.ReleaseAsync("a", ["p-1"], Ct);
        Assert.Equal(["p-1"], (await Store.ClaimDirtyPatientsAsync("b", 10, Ct)).Select(l => l.PatientKey));
    }

    [Fact]
    public async Task Claims_patients_with_pending_work_at_a_destination()
    {
        await Store.SavePatientMappingAsync(new("p-1", 0, [Resource("Patient", "1", Json("Patient", "1"))], [], ["ehr"]), Ct);
        await Store.SavePatientMappingAsync(new("p-2", 0, [Resource("Patient", "2", Json("Patient", "2"))], [], ["hie"]), Ct);

        var claimed = Assert.Single(await Store.ClaimPendingPatientsAsync("a", "ehr", 10, Ct));
        Assert.Equal("p-1", claimed.PatientKey);
        Assert.Empty(await Store.ClaimPendingPatientsAsync("b", "ehr", 10, Ct));

        var resource = Assert.Single(await Store.GetResourcesAsync("p-1", Ct));
        var report = new DeliveryReport("ehr", "p-1", [new(resource.ResourceType, resource.Identifier, resource.ContentHash, DeliveryStatus.Sent, "s", "srv-1")])
        {
            LeaseOwner = "b",
            QueueSequence = claimed.Generation,
        };
        await Assert.ThrowsAsync<LeaseLostException>(() => Store.RecordDeliveryAsync(report, Ct));
        Assert.Equal(1, (await Store.RecordDeliveryAsync(report with { LeaseOwner = "a" }, Ct)).Sent);
        await Store.ReleaseAsync("a", ["p-1"], Ct);
        Assert.Empty(await Store.ClaimPendingPatientsAsync("b", "ehr", 10, Ct)); // delivered: nothing pending there
    }

    [Fact]
    public async Task A_tick_runs_once_across_instances()
    {
        var tick = Start.AddMinutes(5);
        Assert.True(await Store.TryClaimTickAsync("inbox-scan", tick, "a", Ct));
        Assert.False(await Store.TryClaimTickAsync("inbox-scan", tick, "b", Ct));
        Assert.True(await Store.TryClaimTickAsync("inbox-scan", tick, "a", Ct));
        Assert.False(await Store.TryClaimTickAsync("inbox-scan", Start, "b", Ct)); // an older tick is over
        Assert.True(await Store.TryClaimTickAsync("other-job", tick, "b", Ct));
        Assert.True(await Store.TryClaimTickAsync("inbox-scan", tick.AddMinutes(5), "b", Ct));
    }

    [Fact]
    public async Task Concurrent_workers_on_one_database_never_claim_the_same_patient()
    {
        var keys = Enumerable.Range(0, 40).Select(i => $"p-{i:D3}").ToArray();
        await DirtyAsync(keys);
        var workers = Enumerable.Range(0, 4).Select(_ => Fixture.Reopen(Store, Time)).ToList();

        var claims = await Task.WhenAll(workers.Select((w, i) => Task.Run(async () =>
        {
            var mine = new List<string>();
            IReadOnlyList<Leases.PatientLease> batch;
            while ((batch = await w.ClaimDirtyPatientsAsync($"w{i}", 3, Ct)).Count > 0)
            {
                foreach (var lease in batch)
                {
                    mine.Add(lease.PatientKey);
                    await w.SavePatientMappingAsync(new(lease.PatientKey, lease.Generation, [], [], []) { LeaseOwner = $"w{i}" }, Ct);
                }

                await w.ReleaseAsync($"w{i}", [.. batch.Select(l => l.PatientKey)], Ct);
            }

            return mine;
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(keys.Length, all.Count);
        Assert.Equal(keys, all.Order(StringComparer.Ordinal));
    }
}
