using System.Text.Json.Nodes;
using FhirAdapter.Testing;
using FhirAdapter.Worker.Sync;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// A file read again clears the quarantine entries its earlier version made that no longer apply, and the sync report
/// says how many: no false alarm is left in <c>quarantine list</c> and <c>status</c>.
/// </summary>
public sealed class QuarantineClearingTests
{
    /// <summary>Sessions of patients whose intakes are not in the inbox: they are held, so no patient is mapped.</summary>
    private static readonly string[] Sessions =
        [.. File.ReadAllLines(Path.Combine(RepoPaths.Inbox, "2026-03-19_sessions.ndjson")).Where(l => l.Length > 0).Take(3)];

    [Fact]
    public async Task A_line_cut_by_a_read_mid_write_is_cleared_when_the_complete_file_is_read_and_the_report_says_so()
    {
        Assert.Equal(3, Sessions.Length);
        using var setup = new SyncSetup(serverBaseUrl: null);
        setup.KeepOnly();
        var path = Path.Combine(setup.Inbox, "sessions.ndjson");
        // Read with no settle time (as the test setup is) while the practice system was still writing the third line.
        await File.WriteAllTextAsync(path, $"{Sessions[0]}\n{Sessions[1]}\n{Sessions[2][..40]}");

        var cut = await Cli.RunAsync(setup.Args("sync", "--once"));
        var listed = await Cli.RunAsync(setup.Args("quarantine", "list"));
        await File.WriteAllTextAsync(path, string.Join('\n', Sessions) + "\n");
        var complete = await Cli.RunAsync(setup.Args("sync", "--once"));
        var after = await Cli.RunAsync(setup.Args("quarantine", "list"));

        Assert.Contains("Read:      3 records from 1 new or changed files; 1 quarantined.", cut.Output, StringComparison.Ordinal);
        Assert.Contains("sessions.ndjson line 3: is not valid JSON", listed.Output, StringComparison.Ordinal);
        Assert.True(complete.ExitCode == 0, complete.Output + complete.Error);
        Assert.Contains("Read:      3 records from 1 new or changed files; 0 quarantined; 1 quarantine entries cleared.", complete.Output, StringComparison.Ordinal);
        Assert.Contains("0 quarantined records.", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_removed_from_the_file_clears_its_entry_and_an_entry_the_new_version_repeats_stays_as_it_was()
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        setup.KeepOnly();
        await using var worker = new InProcessWorker(setup.Configuration, TimeProvider.System);
        var path = Path.Combine(setup.Inbox, "sessions.ndjson");
        var removed = Broken(Sessions[0], "SES-2026-990001");
        var kept = Broken(Sessions[1], "SES-2026-990002");
        await File.WriteAllTextAsync(path, $"{removed}\n{kept}\n{Sessions[2]}\n");
        var first = await IngestAsync(worker);
        var before = await worker.Store.ListQuarantineAsync(10, CancellationToken.None);

        // The next export drops the first broken record and still carries the second, one line up.
        await File.WriteAllTextAsync(path, $"{kept}\n{Sessions[2]}\n{Sessions[0]}\n");
        var second = await IngestAsync(worker);
        var after = await worker.Store.ListQuarantineAsync(10, CancellationToken.None);

        Assert.Equal((2, 0), (first.Rejected, first.QuarantineCleared));
        Assert.Equal(["SES-2026-990001", "SES-2026-990002"], before.Select(e => e.RecordId));
        Assert.Equal((1, 2), (second.Rejected, second.QuarantineCleared)); // both old entries: the second moved to line 1
        var entry = Assert.Single(after);
        Assert.Equal(("SES-2026-990002", 1), (entry.RecordId, entry.Source.Line));
    }

    [Fact]
    public async Task An_entry_the_new_version_repeats_at_the_same_place_keeps_its_id_and_nothing_is_counted_cleared()
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        setup.KeepOnly();
        await using var worker = new InProcessWorker(setup.Configuration, TimeProvider.System);
        var path = Path.Combine(setup.Inbox, "sessions.ndjson");
        var broken = Broken(Sessions[0], "SES-2026-990001");
        await File.WriteAllTextAsync(path, $"{broken}\n{Sessions[1]}\n");
        await IngestAsync(worker);
        var before = Assert.Single(await worker.Store.ListQuarantineAsync(10, CancellationToken.None));

        await File.AppendAllTextAsync(path, Sessions[2] + "\n");
        var second = await IngestAsync(worker);

        Assert.Equal((1, 0), (second.Rejected, second.QuarantineCleared));
        Assert.Equal(before.Id, Assert.Single(await worker.Store.ListQuarantineAsync(10, CancellationToken.None)).Id);
    }

    /// <summary>A session with its own recordId and a dose that is not a number: rejected on reading.</summary>
    private static string Broken(string line, string recordId)
    {
        var record = JsonNode.Parse(line)!.AsObject();
        record["recordId"] = recordId;
        record["dose"]!["totalMg"] = "a lot";
        return record.ToJsonString();
    }

    private static async Task<InboxIngestor.Counts> IngestAsync(InProcessWorker worker)
    {
        var run = await worker.Store.StartSyncRunAsync(worker.Owner, CancellationToken.None);
        return await worker.Ingestor.IngestAsync(run.Id, null, CancellationToken.None);
    }
}
