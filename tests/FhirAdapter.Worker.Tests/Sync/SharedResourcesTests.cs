using FhirAdapter.Store;
using FhirAdapter.Testing;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// A Practitioner appears in the Bundle of every patient the clinician treated. Two instances creating the same one at a
/// destination at once would each find no match for the conditional update and create it twice, so shared resources
/// are written by one writer per destination, under its shared-resources lease, before the Bundles that refer to them.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class SharedResourcesTests(FhirServerFixture server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task No_Practitioner_nor_what_refers_to_it_is_sent_while_another_instance_holds_the_lease_and_each_is_created_once()
    {
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);
        // A lease long enough that the other instance's does not run out during the test.
        await using var worker = new InProcessWorker([.. setup.Configuration, "--Adapter:Store:LeaseDuration=00:02:00"], TimeProvider.System);
        var key = StoreKeys.SharedResources("ehr");
        Assert.NotNull(await worker.Store.TryClaimPatientAsync("another-instance", key, CancellationToken.None));

        var sync = worker.Runner.RunOnceAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + Timeout;
        while (!sync.IsCompleted && DateTime.UtcNow < deadline && !await AllMappedAndPendingAsync(worker))
        {
            await Task.Delay(200);
        }

        // Every patient mapped, the work waiting to be sent: give it time to send whatever it would send.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(sync.IsCompleted, "the sync finished while another instance held the shared-resources lease");
        Assert.Empty(await ServerContents.AllAsync(server, "Practitioner"));
        Assert.Empty(await ServerContents.AllAsync(server, "Encounter"));

        await worker.Store.ReleaseAsync("another-instance", [key], CancellationToken.None);
        var report = await sync.WaitAsync(Timeout);

        Assert.True(report.Sent > 0, "nothing was sent");
        var practitioners = await ServerContents.AllAsync(server, "Practitioner");
        Assert.NotEmpty(practitioners);
        Assert.Empty(await ServerContents.DuplicatesAsync(server));
        var stats = await server.StatsAsync();
        Assert.Equal(practitioners.Count, (int)stats["entriesByType"]!["Practitioner"]!); // each written once, never again with a patient
        Assert.Equal(0, report.Rejected);
    }

    private static async Task<bool> AllMappedAndPendingAsync(InProcessWorker worker)
    {
        var summary = await worker.Store.GetSummaryAsync(TimeSpan.FromDays(3), CancellationToken.None);
        return summary.DirtyPatients == 0 && summary.Deliveries.Sum(d => d.PendingPatients) > 0;
    }
}
