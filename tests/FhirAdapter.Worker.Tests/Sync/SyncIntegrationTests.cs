using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FhirAdapter.Testing;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// sync --once against a real FHIR server (Medplum's, on loopback): what arrives, that nothing arrives twice,
/// and that the worker survives being killed in the middle.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed partial class SyncIntegrationTests(FhirServerFixture server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task All_samples_sent_twice_through_503_and_429_faults_leave_exactly_one_copy_with_the_right_contents()
    {
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);
        using var again = new SyncSetup(server.BaseUrl); // a second store: everything is sent once more

        await server.InjectFaultsAsync(503, 2, "1");
        var first = await Cli.RunAsync(setup.Args("sync", "--once"));
        var counts = await ServerContents.CountsAsync(server);
        await server.InjectFaultsAsync(429, 2, "1");
        var second = await Cli.RunAsync(again.Args("sync", "--once"));
        var third = await Cli.RunAsync(setup.Args("sync", "--once"));

        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        Assert.True(second.ExitCode == 0, second.Output + second.Error);
        Assert.True((int)(await server.StatsAsync())["faulted"]! >= 4);
        Assert.Equal(Sent(first), Sent(second));
        Assert.Equal(0, Sent(third));
        Assert.Equal(counts, await ServerContents.CountsAsync(server));
        Assert.Empty(await ServerContents.DuplicatesAsync(server));
        Assert.InRange(counts["Patient"], 1, 26);
        Assert.Equal(5, counts["Questionnaire"]);

        // The right contents: the contract example's infusion as the clinic recorded it.
        var infusion = (await ServerContents.AllAsync(server, "MedicationAdministration")).Single(r => (string?)r["identifier"]![0]!["value"] == "SES-2026-004410.administration");
        Assert.Equal(34.2m, infusion["dosage"]!["dose"]!["value"]!.GetValue<decimal>());
        Assert.Equal("47625008", (string?)infusion["dosage"]!["route"]!["coding"]![0]!["code"]);
        Assert.StartsWith("Encounter/", (string?)infusion["context"]!["reference"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Everything_that_leaves_carries_the_Part_2_labels_and_each_patient_a_disclosure_notice()
    {
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);

        await Cli.RunAsync(setup.Args("sync", "--once"));

        foreach (var type in ServerContents.Types.Where(t => t is not "Questionnaire" and not "Practitioner"))
        {
            foreach (var resource in await ServerContents.AllAsync(server, type))
            {
                var labels = resource["meta"]?["security"]?.AsArray().Select(s => (string?)s!["code"]).ToList() ?? [];
                Assert.True(labels.Contains("42CFRPart2") && labels.Contains("R") && labels.Contains("NORDSCLCD"), $"{type} without the Part 2 labels");
            }
        }

        var patients = (await ServerContents.AllAsync(server, "Patient")).Count;
        var notices = (await ServerContents.AllAsync(server, "Provenance")).Count(p => p["policy"] is not null);
        Assert.Equal(patients, notices);
    }

    [Fact]
    public async Task Killed_mid_sync_the_worker_resumes_and_the_server_ends_exactly_as_after_a_clean_run()
    {
        await server.ResetAsync();
        using (var clean = new SyncSetup(server.BaseUrl))
        {
            Assert.Equal(0, (await Cli.RunAsync(clean.Args("sync", "--once"))).ExitCode);
        }

        var expected = await ServerContents.CountsAsync(server);
        await server.ResetAsync();

        using var setup = new SyncSetup(server.BaseUrl);
        // The server takes two requests, then answers 503 with Retry-After: 30 to every one: the worker waits in the
        // middle of its delivery, where it is killed (a delivery fast enough to end between two looks cannot escape).
        await server.InjectFaultsAsync((503, 1, "0", 3), (503, 1000, "30", 1));
        using (var doomed = WorkerProcess.Start(setup.Root, setup.Args("sync", "--once")))
        {
            var deadline = DateTime.UtcNow + Timeout;
            while ((int)(await server.StatsAsync())["faulted"]! < 2 && !doomed.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.False(doomed.HasExited, "the sync finished before it could be killed:\n" + doomed.Output);
            doomed.Kill();
        }

        await server.InjectFaultsAsync(503, 0, null); // the spell ends: the test's own reads, and the resumed run, are answered
        Assert.NotEqual(expected, await ServerContents.CountsAsync(server));

        // The dead worker's leases on the patients it was sending must expire before another run may take them.
        await Task.Delay(SyncSetup.LeaseDuration + TimeSpan.FromSeconds(1));
        using var resumed = WorkerProcess.Start(setup.Root, setup.Args("sync", "--once"));
        var exit = await resumed.WaitAsync(Timeout);

        Assert.True(exit == 0, resumed.Output);
        Assert.Equal(expected, await ServerContents.CountsAsync(server));
        Assert.Empty(await ServerContents.DuplicatesAsync(server));
    }

    [Fact]
    public async Task A_record_held_for_its_patient_is_sent_once_the_intake_arrives()
    {
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);
        var late = Path.Combine(setup.Inbox, "2026-03-19_late-intakes.ndjson");
        var aside = Path.Combine(setup.Root, "late-intakes.ndjson");
        File.Move(late, aside);

        var before = await Cli.RunAsync(setup.Args("sync", "--once"));
        var patientsBefore = (await ServerContents.AllAsync(server, "Patient")).Count;
        var status = await Cli.RunAsync(setup.Args("status"));
        File.Move(aside, late);
        var after = await Cli.RunAsync(setup.Args("sync", "--once"));

        Assert.Equal(0, before.ExitCode);
        Assert.Matches(@"Held: [1-9][0-9]* records", status.Output);
        Assert.True(Sent(after) > 0, after.Output);
        Assert.True((await ServerContents.AllAsync(server, "Patient")).Count > patientsBefore);
        Assert.Empty(await ServerContents.DuplicatesAsync(server));
    }

    [Fact]
    public async Task A_superseding_version_updates_the_resource_and_a_stale_one_changes_nothing()
    {
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);
        await Cli.RunAsync(setup.Args("sync", "--once"));
        const string recordId = "SES-2026-004410"; // a JSON session of a patient who consented to pbpca
        var original = FindRecord(setup.Inbox, recordId);
        var countsBefore = await ServerContents.CountsAsync(server);

        File.WriteAllText(Path.Combine(setup.Inbox, "zz-update.ndjson"), Revised(original, "2027-01-01T09:00:00-05:00", 99.5m).ToJsonString() + "\n");
        var update = await Cli.RunAsync(setup.Args("sync", "--once"));
        File.WriteAllText(Path.Combine(setup.Inbox, "zz-stale.ndjson"), Revised(original, "2020-01-01T09:00:00-05:00", 1m).ToJsonString() + "\n");
        var stale = await Cli.RunAsync(setup.Args("sync", "--once"));

        var administration = (await ServerContents.AllAsync(server, "MedicationAdministration")).Single(r => (string?)r["identifier"]![0]!["value"] == $"{recordId}.administration");
        Assert.True(Sent(update) > 0, update.Output);
        Assert.Equal(99.5m, administration["dosage"]!["dose"]!["value"]!.GetValue<decimal>());
        Assert.Equal(0, Sent(stale));
        Assert.Equal(countsBefore, await ServerContents.CountsAsync(server));
    }

    [Fact]
    public async Task A_quarantined_record_fixed_in_the_export_is_read_again_and_sent()
    {
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);
        var good = FindRecord(setup.Inbox, "SES-2026-004410");
        var broken = good.DeepClone().AsObject();
        broken["recordId"] = "SES-2026-009999";
        broken["updatedAt"] = "2026-03-20T09:00:00-04:00";
        broken["route"] = "rectal";
        var file = Path.Combine(setup.Inbox, "zz-fixme.ndjson");
        File.WriteAllText(file, broken.ToJsonString() + "\n");

        await Cli.RunAsync(setup.Args("sync", "--once"));
        var listed = await Cli.RunAsync(setup.Args("quarantine", "list"));
        broken["route"] = "iv";
        File.WriteAllText(file, broken.ToJsonString() + "\n");
        var fixedRun = await Cli.RunAsync(setup.Args("sync", "--once"));
        var after = await Cli.RunAsync(setup.Args("quarantine", "list"));

        Assert.Contains("record SES-2026-009999: route: must be one of", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("SES-2026-009999", after.Output, StringComparison.Ordinal);
        Assert.Contains((await ServerContents.AllAsync(server, "Encounter")), e => (string?)e["identifier"]![0]!["value"] == "SES-2026-009999");
        Assert.True(Sent(fixedRun) > 0, fixedRun.Output);
    }

    [Fact]
    public async Task Every_push_is_in_the_accounting_of_disclosures_of_its_patient()
    {
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);
        await Cli.RunAsync(setup.Args("sync", "--once"));

        var consented = await Cli.RunAsync(setup.Args("disclosures", "--patient", "KWC-004821"));
        var audit = await Cli.RunAsync(setup.Args("disclosures", "--patient", "KWC-004821", "--format", "fhir"));
        var never = await Cli.RunAsync(setup.Args("disclosures", "--patient", "KWC-005120"));
        var later = await Cli.RunAsync(setup.Args("disclosures", "--patient", "KWC-004821", "--since", "2099-01-01"));

        Assert.Matches(@"to pbpca by push for treatment under consent CNS-2026-000311: \d+ resources", consented.Output);
        Assert.DoesNotContain("KWC-004821", consented.Output, StringComparison.Ordinal);
        var bundle = JsonNode.Parse(audit.Output)!;
        Assert.Equal("AuditEvent", (string?)bundle["entry"]![0]!["resource"]!["resourceType"]);
        Assert.StartsWith("0 disclosures", never.Output, StringComparison.Ordinal);
        Assert.StartsWith("0 disclosures", later.Output, StringComparison.Ordinal);
    }

    private static int Sent(Cli.Run run) => int.Parse(SentPattern().Match(run.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject FindRecord(string inbox, string recordId)
    {
        foreach (var file in Directory.EnumerateFiles(inbox, "*.json*"))
        {
            var text = File.ReadAllText(file);
            var records = file.EndsWith(".ndjson", StringComparison.Ordinal)
                ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)
                : JsonNode.Parse(text) is JsonArray array ? array.Select(n => n!) : [JsonNode.Parse(text)!];
            if (records.LastOrDefault(r => (string?)r["recordId"] == recordId) is { } found)
            {
                return found.AsObject();
            }
        }

        throw new InvalidOperationException($"{recordId} is not a JSON record of the samples");
    }

    private static JsonObject Revised(JsonObject record, string updatedAt, decimal totalMg)
    {
        var copy = record.DeepClone().AsObject();
        copy["updatedAt"] = updatedAt;
        copy["dose"]!["totalMg"] = totalMg;
        return copy;
    }

    [GeneratedRegex(@"Sent:\s+(\d+) resources")]
    private static partial Regex SentPattern();
}
