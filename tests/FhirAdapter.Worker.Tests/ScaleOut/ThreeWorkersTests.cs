using System.Diagnostics;
using FhirAdapter.Testing;
using FhirAdapter.Worker.Tests.Support;
using Xunit.Abstractions;

namespace FhirAdapter.Worker.Tests.ScaleOut;

/// <summary>
/// Scale-out (docs/scale-out.md): three workers on one PostgreSQL schema, one inbox and one real FHIR server, one of
/// them killed mid-run. The server must end exactly as after one clean worker, with nothing twice, and the store must
/// hold what one worker reading the inbox once would have stored.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class ThreeWorkersTests(FhirServerFixture server, ITestOutputHelper log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>What must be the same in the store after three workers as after one: the inbox read once, all of it delivered.</summary>
    private const string StoreContents = """
        SELECT 'inbox files ' || (SELECT COUNT(*) FROM inbox_file)
        UNION ALL SELECT 'record versions ' || (SELECT COUNT(*) FROM record_version) || ', current ' || (SELECT COUNT(*) FROM record_version WHERE is_current)
        UNION ALL SELECT 'first arrival ' || outcome || ' ' || COUNT(*) FROM record_version GROUP BY outcome
        UNION ALL SELECT 'quarantined ' || (SELECT COUNT(*) FROM quarantine)
        UNION ALL SELECT 'held ' || (SELECT COUNT(*) FROM held_record)
        UNION ALL SELECT 'patients ' || (SELECT COUNT(*) FROM patient) || ', dirty ' || (SELECT COUNT(*) FROM patient WHERE dirty_since IS NOT NULL)
        UNION ALL SELECT 'resources ' || (SELECT COUNT(*) FROM patient_resource)
        UNION ALL SELECT 'delivery ' || destination || ' ' || status || ' ' || COUNT(*) FROM delivery GROUP BY destination, status
        UNION ALL SELECT 'disclosed patients ' || (SELECT COUNT(DISTINCT patient_key) FROM disclosure)
        UNION ALL SELECT 'leases ' || (SELECT COUNT(*) FROM patient_lease)
        ORDER BY 1
        """;

    [PostgresFact]
    public async Task Three_workers_on_one_database_one_killed_end_with_exactly_the_counts_of_one_clean_worker()
    {
        var clock = Stopwatch.StartNew();
        var (referenceSchema, referenceStore) = TestPostgres.NewSchema();
        var (sharedSchema, sharedStore) = TestPostgres.NewSchema();
        try
        {
            // The reference: one worker, alone, from start to end.
            await server.ResetAsync();
            using (var clean = new SyncSetup(server.BaseUrl))
            {
                var run = await Cli.RunAsync(WithStore(clean.Args("sync", "--once"), referenceStore));
                Assert.True(run.ExitCode == 0, run.Output + run.Error);
            }

            var expected = await ServerContents.CountsAsync(server);
            var expectedStore = await TestPostgres.QueryAsync<string>(referenceStore, StoreContents);
            var expectedStatus = await StatusAsync(referenceStore);
            Assert.Contains("pending", expectedStatus, StringComparison.Ordinal);
            log.WriteLine($"reference after {clock.Elapsed.TotalSeconds:0.0} s: {Show(expected)}");
            await server.ResetAsync();

            // Three workers at once on one schema, one inbox, one destination.
            using var setup = new SyncSetup(server.BaseUrl);
            var args = WithStore(setup.Args("sync", "--once"), sharedStore);
            var workers = Enumerable.Range(0, 3).Select(_ => WorkerProcess.Start(setup.Root, args)).ToList();
            try
            {
                // Kill the worker that holds patient leases once the server has taken some writes: it is mid-way
                // through mapping or sending those patients, with the rest still to go. Its owner name holds its process id.
                var deadline = DateTime.UtcNow + Timeout;
                List<string> leaseOwners = [];
                while (DateTime.UtcNow < deadline && !workers.All(w => w.HasExited))
                {
                    if ((int)(await server.StatsAsync())["requests"]! >= 3)
                    {
                        leaseOwners = await TestPostgres.QueryAsync<string>(sharedStore, "SELECT DISTINCT owner FROM patient_lease ORDER BY 1");
                        if (leaseOwners.Count > 0)
                        {
                            break;
                        }
                    }

                    await Task.Delay(20);
                }

                Assert.True(leaseOwners.Count > 0, "no worker held a lease while the server took writes:\n" + string.Join("\n----\n", workers.Select(w => w.Output)));
                var leased = await TestPostgres.QueryAsync<long>(sharedStore, "SELECT COUNT(*) FROM patient_lease");
                var pid = int.Parse(leaseOwners[0].Split(':')[^2], System.Globalization.CultureInfo.InvariantCulture);
                KillOurWorker(pid, setup.Inbox);
                log.WriteLine($"killed worker {pid} after {clock.Elapsed.TotalSeconds:0.0} s; lease owners then: {string.Join("; ", leaseOwners)}; leases {leased[0]}");

                var exits = new List<int>();
                foreach (var worker in workers)
                {
                    exits.Add(await worker.WaitAsync(Timeout));
                }

                // 137: killed by SIGKILL; the other two finish normally.
                Assert.True(exits.Order().SequenceEqual([0, 0, 137]), $"exit codes {string.Join(", ", exits)}:\n" + string.Join("\n----\n", workers.Select(w => w.Output)));

                // Only the killed worker's leases are left (the others release theirs); they lapse after the lease duration.
                var orphaned = await TestPostgres.QueryAsync<long>(sharedStore, "SELECT COUNT(*) FROM patient_lease");
                var partial = await ServerContents.CountsAsync(server);
                log.WriteLine($"survivors done after {clock.Elapsed.TotalSeconds:0.0} s; leases left by the killed worker: {orphaned[0]}; server then: {Show(partial)}");
                Assert.True(orphaned[0] > 0, "the killed worker left no lease to take over");
                Assert.NotEqual(expected, partial); // its patients are not finished until their leases expire
            }
            finally
            {
                foreach (var worker in workers)
                {
                    worker.Dispose();
                }
            }

            // The killed worker's leases must expire before another worker may take its patients over.
            await Task.Delay(SyncSetup.LeaseDuration + TimeSpan.FromSeconds(1.5));
            using (var last = WorkerProcess.Start(setup.Root, args))
            {
                var exit = await last.WaitAsync(Timeout);
                Assert.True(exit == 0, last.Output);
            }

            var actual = await ServerContents.CountsAsync(server);
            log.WriteLine($"after the last run, {clock.Elapsed.TotalSeconds:0.0} s: {Show(actual)}");
            Assert.Equal(expected, actual);
            Assert.Empty(await ServerContents.DuplicatesAsync(server));

            // All the runs together read the inbox once: the same versions, each first arriving as it did for one
            // worker (no conflict), the same quarantine, and everything delivered as by one worker.
            Assert.Equal(expectedStore, await TestPostgres.QueryAsync<string>(sharedStore, StoreContents));
            Assert.Equal(expectedStatus, await StatusAsync(sharedStore));
            var runs = await TestPostgres.QueryAsync<string>(sharedStore, "SELECT COALESCE(outcome, 'unfinished') FROM sync_run ORDER BY id");
            Assert.Equal(4, runs.Count); // three at once (one killed, so left unfinished) and the last one
            Assert.Equal(1, runs.Count(r => r == "unfinished"));
            log.WriteLine($"runs: {string.Join(", ", runs)}; done after {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            TestPostgres.DropSchema(referenceSchema);
            TestPostgres.DropSchema(sharedSchema);
        }
    }

    /// <summary>SIGKILL to a worker this test started (its command line names this test's inbox), found by its process id.</summary>
    private static void KillOurWorker(int pid, string inbox)
    {
        var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        Assert.Contains(inbox, commandLine, StringComparison.Ordinal);
        using var process = Process.GetProcessById(pid);
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    private static string[] WithStore(string[] args, string connectionString) =>
        [.. args, "--Adapter:Store:Provider=Postgres", $"--Adapter:Store:ConnectionString={connectionString}"];

    /// <summary>What <c>status</c> says about the store, without the last run (its times differ).</summary>
    private static async Task<string> StatusAsync(string connectionString)
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        var status = await Cli.RunAsync(WithStore(setup.Args("status"), connectionString));
        Assert.True(status.ExitCode == 0, status.Output + status.Error);
        return string.Join('\n', status.Output.Split('\n').Where(l => !l.StartsWith("Last sync", StringComparison.Ordinal)));
    }

    private static string Show(SortedDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
}
