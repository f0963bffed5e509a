using System.Text.Json.Nodes;
using FhirAdapter.Worker.Tests.Support;
using Xunit.Abstractions;

namespace FhirAdapter.Worker.Tests.Delivery;

/// <summary>
/// Delivery of a generated clinic of 200 patients to a real FHIR server (Medplum's, on loopback), compared resource by
/// resource with what the patients' consents permit (<see cref="ExpectedContents"/>): a destination added after the
/// mapping is backfilled in full through injected 503s and 429s at MaxConcurrency 4, nothing rejected and nothing
/// twice; a second sync writes nothing; one changed address writes only what changes with it; a sync killed in the
/// middle of delivery and run again leaves the server exactly as a clean run does.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class DeliveryAtScaleTests(FhirServerFixture server, GeneratedClinic clinic, ITestOutputHelper log) : IClassFixture<GeneratedClinic>
{
    private const string Organization = "pbpca";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private string[] Destination =>
    [
        "--Adapter:Destinations:0:Name=ehr",
        $"--Adapter:Destinations:0:OrganizationId={Organization}",
        $"--Adapter:Destinations:0:BaseUrl={server.BaseUrl}",
        "--Adapter:Destinations:0:MaxConcurrency=4",
        "--Adapter:Destinations:0:BackoffBase=00:00:00.100",
        "--Adapter:Destinations:0:MaxBackoff=00:00:01",
    ];

    [Fact]
    public async Task A_destination_added_later_is_backfilled_in_full_and_then_gets_only_what_changes()
    {
        await server.ResetAsync();
        var store = clinic.NewStore("backfill");
        await using var worker = new InProcessWorker([.. store, .. Destination], TimeProvider.System);
        var expected = await ExpectedContents.OfAsync(worker, StorePath(store), Organization);
        Assert.True(expected.Count > 1000, $"only {expected.Count} resources permitted");

        // Faults under load: one request in five answers 503 (six times), then one in three 429 (six times), each retried.
        await server.InjectFaultsAsync((503, 6, "0", 5), (429, 6, "0", 3));
        var backfill = await worker.Runner.RunOnceAsync(CancellationToken.None);
        var faulted = (int)(await server.StatsAsync())["faulted"]!;

        var ehr = Assert.Single(backfill.Destinations);
        log.WriteLine($"backfill: {backfill.Finished - backfill.Started}, sent {ehr.Sent}, faulted {faulted}");
        Assert.Equal(clinic.MappedKeys, ehr.Backfilled);
        Assert.True((0, 0, 0, 0) == (ehr.Rejected, ehr.WaitingForRetry, ehr.Conflicts, ehr.Blocked),
            $"rejected, waiting, conflicts, blocked: {(ehr.Rejected, ehr.WaitingForRetry, ehr.Conflicts, ehr.Blocked)}\n{await ExpectedContents.NotSentAsync(StorePath(store))}");
        Assert.Equal(12, faulted);
        Assert.True(ehr.NotPermitted > 0, "every patient permitted: the consent filter is not exercised");
        var held = await ServerContents.SnapshotAsync(server);
        Assert.True(expected.SequenceEqual(held), ExpectedContents.Diff(expected, held));
        Assert.Equal(expected.Count, ehr.Sent); // each resource written once, the shared ones included

        // Nothing changed: nothing is written.
        var entries = (int)(await server.StatsAsync())["entries"]!;
        var quiet = await worker.Runner.RunOnceAsync(CancellationToken.None);
        Assert.Equal((0, 0), (quiet.Sent, (int)(await server.StatsAsync())["entries"]! - entries));

        // One patient's address changes: the Patient goes, with the two Provenances that change with it.
        var patient = (await ServerContents.AllAsync(server, "Patient"))[0];
        var mrn = (string)patient["identifier"]!.AsArray().First(i => ((string)i!["system"]!).EndsWith("/sid/mrn", StringComparison.Ordinal))!["value"]!;
        var intake = LatestIntake(mrn);
        intake["updatedAt"] = DateTimeOffset.Parse((string)intake["updatedAt"]!, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        intake["patient"]!["address"] = new JsonObject { ["line1"] = "7 Changed Street", ["city"] = "Delray Beach", ["state"] = "FL", ["postalCode"] = "33444", ["country"] = "US" };
        var inbox = Path.Combine(Path.GetDirectoryName(StorePath(store))!, "inbox-changed"); // the clinic's inbox is every test's
        CopyInbox(clinic.Inbox, inbox);
        await File.WriteAllTextAsync(Path.Combine(inbox, "zz-moved.ndjson"), intake.ToJsonString() + "\n");
        var before = (await server.StatsAsync())["entriesByType"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!);

        await using var next = new InProcessWorker([.. store, .. Destination, $"--Adapter:Inbox={inbox}"], TimeProvider.System);
        var changed = await next.Runner.RunOnceAsync(CancellationToken.None);

        var after = (await server.StatsAsync())["entriesByType"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!);
        var written = after.Where(p => p.Value > before.GetValueOrDefault(p.Key)).ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key));
        Assert.Equal(new Dictionary<string, int> { ["Patient"] = 1, ["Provenance"] = 2 }, written);
        Assert.Equal(3, changed.Sent);
        Assert.Equal("7 Changed Street", (string?)(await ServerContents.AllAsync(server, "Patient")).Single(p => (string)p["id"]! == (string)patient["id"]!)["address"]![0]!["line"]![0]);
        Assert.Empty(await ServerContents.DuplicatesAsync(server));
    }

    [Fact]
    public async Task A_sync_killed_in_the_middle_of_delivery_and_run_again_leaves_the_server_as_a_clean_run()
    {
        await server.ResetAsync();
        var store = clinic.NewStore("killed");
        SortedDictionary<string, string> expected;
        await using (var reader = new InProcessWorker(store, TimeProvider.System))
        {
            expected = await ExpectedContents.OfAsync(reader, StorePath(store), Organization);
        }

        using (var first = WorkerProcess.Start(Path.GetDirectoryName(StorePath(store))!, ["sync", "--once", .. store, .. Destination]))
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (DateTime.UtcNow < deadline && !first.HasExited && (int)(await server.StatsAsync())["entries"]! < expected.Count / 3)
            {
                await Task.Delay(50);
            }

            Assert.False(first.HasExited, "the sync finished before it could be killed:\n" + first.Output);
            first.Kill();
        }

        var killedAt = (int)(await server.StatsAsync())["entries"]!;
        log.WriteLine($"killed after {killedAt} of {expected.Count} entries");
        Assert.InRange(killedAt, 1, expected.Count - 1);
        await Task.Delay(SyncSetup.LeaseDuration); // the killed run's leases expire

        var again = await Cli.RunAsync(["sync", "--once", .. store, .. Destination]);

        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        var held = await ServerContents.SnapshotAsync(server);
        Assert.True(expected.SequenceEqual(held), ExpectedContents.Diff(expected, held));
    }

    private static string StorePath(string[] configuration) =>
        configuration.Single(a => a.StartsWith("--Adapter:Store:ConnectionString=", StringComparison.Ordinal)).Split("Data Source=")[1];

    private JsonObject LatestIntake(string mrn) => Directory.EnumerateFiles(clinic.Inbox).Where(f => f.EndsWith("json", StringComparison.Ordinal))
        .SelectMany(f => f.EndsWith(".ndjson", StringComparison.Ordinal)
            ? File.ReadLines(f).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)
            : JsonNode.Parse(File.ReadAllText(f)) is JsonArray a ? a.Select(n => n!) : [])
        .Select(n => n.AsObject())
        .Where(r => (string?)r["recordType"] == "intake" && (string?)r["patient"]?["mrn"] == mrn)
        .MaxBy(r => DateTimeOffset.Parse((string)r["updatedAt"]!, System.Globalization.CultureInfo.InvariantCulture))!
        .DeepClone().AsObject();

    private static void CopyInbox(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
