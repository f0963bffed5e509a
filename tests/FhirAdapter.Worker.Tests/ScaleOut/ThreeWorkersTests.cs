using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FhirAdapter.Generation;
using FhirAdapter.Testing;
using FhirAdapter.Worker.Tests.Support;
using Xunit.Abstractions;

namespace FhirAdapter.Worker.Tests.ScaleOut;

/// <summary>
/// Scale-out (docs/scale-out.md): three worker services on one PostgreSQL schema, one inbox and one real FHIR server,
/// on one schedule, one of them killed mid-run. They must share the work (more than one maps, more than one
/// delivers), read the inbox once per tick, take the killed one's patients over, and leave the server exactly as one
/// clean worker does, resource by resource, with nothing twice, and the store as one worker reading the inbox once.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed partial class ThreeWorkersTests(FhirServerFixture server, ITestOutputHelper log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Enough patients that three workers claiming a few at a time each get some (validation is the slow part, about
    /// 0.1-0.2 s per patient), few enough to keep the test near a minute on two cores.
    /// </summary>
    private const int Patients = 40;

    /// <summary>The generated clinic starts four months ago, so that most of its consents are still in force today.</summary>
    private static readonly DateOnly ClinicStart = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-120));

    /// <summary>
    /// What must be the same in the store after three workers as after one: the inbox read once (every arrival counted
    /// once), all of it delivered, no lease held (a killed worker's leases stay in the table, expired, until some claim
    /// needs those patients again).
    /// </summary>
    private const string StoreContents = """
        SELECT 'inbox files ' || (SELECT COUNT(*) FROM inbox_file)
        UNION ALL SELECT 'record versions ' || (SELECT COUNT(*) FROM record_version) || ', current ' || (SELECT COUNT(*) FROM record_version WHERE is_current)
        UNION ALL SELECT 'first arrival ' || outcome || ' ' || COUNT(*) FROM record_version GROUP BY outcome
        UNION ALL SELECT 'arrivals ' || outcome || ' ' || arrivals FROM arrival_count
        UNION ALL SELECT 'quarantined ' || (SELECT COUNT(*) FROM quarantine)
        UNION ALL SELECT 'held ' || (SELECT COUNT(*) FROM held_record)
        UNION ALL SELECT 'patients ' || (SELECT COUNT(*) FROM patient) || ', dirty ' || (SELECT COUNT(*) FROM patient WHERE dirty_since IS NOT NULL)
        UNION ALL SELECT 'resources ' || (SELECT COUNT(*) FROM patient_resource)
        UNION ALL SELECT 'delivery ' || destination || ' ' || status || ' ' || COUNT(*) FROM destination_resource GROUP BY destination, status
        UNION ALL SELECT 'pending ' || destination || ' ' || COUNT(*) FROM destination_patient WHERE pending_since IS NOT NULL GROUP BY destination
        UNION ALL SELECT 'disclosed patients ' || (SELECT COUNT(DISTINCT patient_key) FROM disclosure)
        UNION ALL SELECT 'live leases ' || (SELECT COUNT(*) FROM patient_lease WHERE expires_at > now())
        ORDER BY 1
        """;

    [Fact, RequiresPostgres]
    public async Task Three_workers_share_the_work_scan_once_per_tick_and_one_killed_end_with_exactly_the_counts_of_one_clean_worker()
    {
        var clock = Stopwatch.StartNew();
        var (referenceSchema, referenceStore) = TestPostgres.NewSchema("w", maxPoolSize: 10);
        var (sharedSchema, sharedStore) = TestPostgres.NewSchema("w", maxPoolSize: 10);
        try
        {
            // The reference: one worker, alone, one pass by hand.
            await server.ResetAsync();
            using (var clean = GeneratedInbox())
            {
                var run = await Cli.RunAsync([.. clean.Args("sync", "--once"), .. TestPostgres.StoreArgs(referenceStore)]);
                Assert.True(run.ExitCode == 0, run.Output + run.Error);
            }

            var expected = await ServerContents.SnapshotAsync(server);
            var expectedStore = await TestPostgres.QueryAsync<string>(referenceStore, StoreContents);
            var expectedStatus = await StatusAsync(referenceStore);
            log.WriteLine($"reference after {clock.Elapsed.TotalSeconds:0.0} s: {expected.Count} resources");
            Assert.True(expected.Count > 100, $"the reference run sent only {expected.Count} resources");
            await server.ResetAsync();

            // Three services on one schema, one inbox, one destination, one schedule (every two seconds; no pass at
            // start, so every pass belongs to a tick). Small batches, so that each claim leaves work for the others.
            using var setup = GeneratedInbox();
            var ports = Enumerable.Range(0, 3).Select(_ => FreePort()).ToList();
            var workers = ports.Select(port => WorkerProcess.Start(setup.Root, [
                .. setup.Configuration, .. TestPostgres.StoreArgs(sharedStore),
                "--Adapter:Schedule=*/2 * * * * *", "--Adapter:RunAtStart=false", "--Adapter:RemapBatchSize=3", "--Adapter:DeliveryBatchSize=2",
                $"--Adapter:Api:Url=http://127.0.0.1:{port}"])).ToList();
            try
            {
                // Kill a worker that holds patient leases once the server has taken some writes: it is mid-way through
                // mapping or sending those patients. Its owner name holds its process id.
                var deadline = DateTime.UtcNow + Timeout;
                List<string> leaseOwners = [];
                while (DateTime.UtcNow < deadline && leaseOwners.Count == 0)
                {
                    if ((int)(await server.StatsAsync())["requests"]! >= 3)
                    {
                        leaseOwners = await TestPostgres.QueryAsync<string>(sharedStore, "SELECT DISTINCT owner FROM patient_lease ORDER BY 1");
                    }

                    await Task.Delay(20);
                }

                Assert.True(leaseOwners.Count > 0, "no worker held a lease while the server took writes:\n" + Outputs(workers));
                var pid = int.Parse(leaseOwners[0].Split(':')[^2], CultureInfo.InvariantCulture);
                var killed = KillOurWorker(workers, pid);
                log.WriteLine($"killed worker {pid} after {clock.Elapsed.TotalSeconds:0.0} s; lease owners then: {string.Join("; ", leaseOwners)}");

                // The survivors carry on at each tick and take the killed one's patients over once its leases expire.
                var actualStore = await UntilAsync(() => TestPostgres.QueryAsync<string>(sharedStore, StoreContents), s => s.SequenceEqual(expectedStore));
                Assert.True(actualStore.SequenceEqual(expectedStore),
                    $"the store did not reach the reference state:\n{string.Join('\n', actualStore)}\nexpected:\n{string.Join('\n', expectedStore)}\n{Outputs(workers)}");
                // Resource by resource (identity, type, content with references by identity): what one clean worker left.
                var actual = await ServerContents.SnapshotAsync(server);
                log.WriteLine($"done after {clock.Elapsed.TotalSeconds:0.0} s: {actual.Count} resources");
                Assert.True(expected.SequenceEqual(actual), Delivery.ExpectedContents.Diff(expected, actual));
                Assert.Empty(await ServerContents.DuplicatesAsync(server));
                Assert.Equal(expectedStatus, await StatusAsync(sharedStore));

                // Every instance serves the API: both survivors answer ready.
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                foreach (var port in ports.Where((_, i) => workers[i] != killed))
                {
                    Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"))).StatusCode);
                }

                // The work was shared: per owner, the patients mapped and resources sent by its finished passes (the
                // killed worker's last pass never finished, so its share shows only in its log). Wait until only that
                // pass is unfinished, so that no survivor's counts are still to be written.
                await UntilAsync(() => TestPostgres.QueryAsync<long>(sharedStore, "SELECT COUNT(*) FROM sync_run WHERE finished_at IS NULL"), n => n[0] == 1);
                var shares = await TestPostgres.QueryAsync<string>(sharedStore,
                    "SELECT owner || ' mapped ' || SUM(records_mapped) || ' sent ' || SUM(records_delivered) FROM sync_run GROUP BY owner ORDER BY 1");
                log.WriteLine($"shares: {string.Join("; ", shares)}");
                Assert.True(shares.Count(s => !s.Contains(" mapped 0 ", StringComparison.Ordinal)) >= 2, "fewer than two workers mapped: " + string.Join("; ", shares));
                Assert.True(shares.Count(s => !s.EndsWith(" sent 0", StringComparison.Ordinal)) >= 2, "fewer than two workers sent: " + string.Join("; ", shares));

                // Once per tick: for every tick any worker ran, at most one worker's log says it won the tick and scanned (the
                // others, having waited for that scan if it was still running, say another instance had it).
                // The work may all be done within the first tick's passes (a pass waits for the running scan, then maps): the
                // schedule goes on every two seconds, so wait for a second tick's lines.
                await UntilAsync(() => Task.FromResult(workers.SelectMany(w => TickLine().Matches(w.Output)).Select(m => m.Groups["tick"].Value).Distinct().Count()), n => n >= 2);
                var ticks = workers.SelectMany(w => TickLine().Matches(w.Output)).GroupBy(m => m.Groups["tick"].Value, StringComparer.Ordinal).ToList();
                log.WriteLine($"ticks run: {ticks.Count}; passes: {ticks.Sum(t => t.Count())}; scans: {ticks.Count(t => t.Any(m => m.Groups["who"].Value == "this instance scans"))}");
                Assert.True(ticks.Count >= 2, "fewer than two ticks ran:\n" + Outputs(workers));
                Assert.All(ticks, t => Assert.True(t.Count(m => m.Groups["who"].Value != "another instance has") <= 1, $"tick {t.Key} was scanned twice"));
                // A tick nobody scanned is one whose pass came after a later tick had been claimed (it waited for that
                // scan): the later scan read the inbox in its place.
                var scanned = ticks.Where(t => t.Any(m => m.Groups["who"].Value == "this instance scans")).Select(t => DateTimeOffset.Parse(t.Key, CultureInfo.InvariantCulture)).ToList();
                Assert.NotEmpty(scanned);
                Assert.All(ticks, t => Assert.Contains(scanned, s => s >= DateTimeOffset.Parse(t.Key, CultureInfo.InvariantCulture)));
            }
            finally
            {
                foreach (var worker in workers)
                {
                    worker.Dispose();
                }
            }
        }
        finally
        {
            TestPostgres.DropSchema(referenceSchema);
            TestPostgres.DropSchema(sharedSchema);
        }
    }

    [GeneratedRegex(@"Tick (?<tick>\S+): (?<who>this instance scans|another instance has|the scan of an earlier tick)")]
    private static partial Regex TickLine();

    /// <summary>A worker's world whose inbox is a generated clinic (no invalid records, so one clean pass exits 0).</summary>
    private SyncSetup GeneratedInbox()
    {
        var setup = new SyncSetup(server.BaseUrl);
        setup.KeepOnly();
        new ClinicGenerator(new ClinicGeneratorOptions { Patients = Patients, Seed = 8, InvalidRate = 0, StartDate = ClinicStart }).Generate(setup.Inbox);
        return setup;
    }

    /// <summary>Polls until <paramref name="done"/> holds or the timeout passes, and returns the last value.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            value = await read();
        }

        return value;
    }

    /// <summary>SIGKILL to the worker of this test with that process id (its owner name in the store holds the id).</summary>
    private static WorkerProcess KillOurWorker(List<WorkerProcess> workers, int pid)
    {
        var worker = workers.SingleOrDefault(w => w.Id == pid);
        Assert.True(worker is not null, $"process {pid} is not one of this test's workers");
        worker.Kill();
        return worker;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Outputs(IEnumerable<WorkerProcess> workers) => string.Join("\n----\n", workers.Select(w => w.Output));

    /// <summary>What <c>status</c> says about the store, without the last run (its times differ).</summary>
    private static async Task<string> StatusAsync(string connectionString)
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        var status = await Cli.RunAsync([.. setup.Args("status"), .. TestPostgres.StoreArgs(connectionString)]);
        Assert.True(status.ExitCode == 0, status.Output + status.Error);
        return string.Join('\n', status.Output.Split('\n').Where(l => !l.StartsWith("Last sync", StringComparison.Ordinal)));
    }

}
