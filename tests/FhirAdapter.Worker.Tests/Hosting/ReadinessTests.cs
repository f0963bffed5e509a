using System.Net;
using FhirAdapter.Store;
using FhirAdapter.Worker.Hosting;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Worker.Tests.Hosting;

/// <summary>
/// Readiness as a load balancer or an orchestrator sees it. SQLite has one write lock; a long unit of work (a sync
/// command beside the service, another instance) may hold it. Reads do not wait for it, so neither does readiness.
/// </summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task A_service_started_while_another_process_holds_the_stores_write_lock_is_ready_and_answers()
    {
        using var folder = new TempDir();
        var database = Path.Combine(folder.Path, "store.db");
        await AdapterStores.Create(new StoreOptions { ConnectionString = $"Data Source={database}" }).MigrateAsync(CancellationToken.None);
        await using var other = new SqliteConnection($"Data Source={database}");
        await other.OpenAsync();
        using var held = other.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the write lock, until the test ends

        await using var app = AdapterHost.BuildService([
            $"--Adapter:Inbox={Path.Combine(folder.Path, "inbox")}", $"--Adapter:Store:ConnectionString=Data Source={database}",
            "--Adapter:Store:BusyTimeout=00:00:01", // a write would give up after a second: the answers below wait for none
            "--Adapter:Api:Url=http://127.0.0.1:0", "--Adapter:RunAtStart=false", "--Adapter:Schedule=0 0 1 1 *", "--Adapter:Logging:Level=Warning",
            $"--Adapter:Api:Export:Directory={Path.Combine(folder.Path, "exports")}",
        ]);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(60) };

            var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var body = await ready.Content.ReadAsStringAsync();
            var metadata = await http.GetAsync(new Uri("/fhir/metadata", UriKind.Relative));

            Assert.True(ready.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal("Healthy", body);
            Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            held.Rollback();
            SqliteConnection.ClearAllPools();
        }
    }
}
