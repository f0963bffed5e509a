using FhirAdapter.Core.Reading;
using FhirAdapter.Testing;
using FhirAdapter.Worker.Sync;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// A file is read only once the practice system has finished writing it (Adapter:InboxCompleteWhen): settled, renamed
/// into place, or marked by a .done/.ready file. The scan alone is exercised (no mapping), on the real clock.
/// </summary>
public sealed class FileCompletenessTests
{
    private const string Intakes = "2026-02-02_intakes.ndjson";

    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(RepoPaths.Inbox, Intakes)).Where(l => l.Length > 0).ToArray();

    private static readonly string LastRecordId = JsonId(Lines[^1]);

    [Fact]
    public async Task A_file_grown_in_two_steps_while_the_sync_waits_is_read_once_whole_and_nothing_is_quarantined()
    {
        Assert.True(Lines.Length > 2);
        using var setup = EmptyInbox();
        await using var worker = new InProcessWorker([.. setup.Configuration, "--Adapter:InboxSettleTime=00:00:01"], TimeProvider.System);
        var path = Path.Combine(setup.Inbox, "export.ndjson");
        var text = string.Join('\n', Lines) + "\n";
        var cut = text.LastIndexOf('\n', text.Length - 2) + 20; // the first step ends inside the last line
        await File.WriteAllTextAsync(path, text[..cut]);
        var stages = new List<SyncProgress>();

        var counts = await IngestAsync(worker, new OnProgress(p =>
        {
            stages.Add(p);
            if (p.Stage.StartsWith("Waiting", StringComparison.Ordinal) && stages.Count(s => s.Stage == p.Stage) == 1)
            {
                File.AppendAllText(path, text[cut..]); // the practice system writes the rest while the scan waits
            }
        }));

        Assert.Contains(stages, s => s.Stage.StartsWith("Waiting", StringComparison.Ordinal));
        Assert.Equal(1, counts.Files);
        Assert.Equal(0, counts.NotComplete);
        Assert.Equal(Lines.Length, counts.Records);
        Assert.Equal(0, counts.Rejected);
        Assert.Equal(0, await worker.Store.CountQuarantineAsync(CancellationToken.None));
        Assert.NotNull(await worker.Store.GetCurrentRecordAsync(RecordKind.Intake, LastRecordId, CancellationToken.None));
    }

    [Fact]
    public async Task A_file_still_growing_after_the_wait_is_left_for_the_next_pass_which_reads_it_whole()
    {
        using var setup = EmptyInbox();
        await using var worker = new InProcessWorker([.. setup.Configuration, "--Adapter:InboxSettleTime=00:00:00.200"], TimeProvider.System);
        var path = Path.Combine(setup.Inbox, "export.ndjson");
        await File.WriteAllTextAsync(path, Lines[0] + "\n");
        var next = 1;

        // Each time the scan waits, another line arrives: the file never settles within this pass's wait.
        var first = await IngestAsync(worker, new OnProgress(p =>
        {
            if (p.Stage.StartsWith("Waiting", StringComparison.Ordinal) && p.Done == 0)
            {
                File.AppendAllText(path, Lines[next++ % Lines.Length] + "\n"); // (a record again is a repeat)
            }
        }));
        var written = next;
        var second = await IngestAsync(worker, null);

        Assert.Equal((0, 1, 0), (first.Files, first.NotComplete, first.Records));
        Assert.Equal((1, 0, written), (second.Files, second.NotComplete, second.Records));
        Assert.Equal(0, await worker.Store.CountQuarantineAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_file_last_written_longer_ago_than_the_settle_time_is_read_at_once()
    {
        using var setup = EmptyInbox();
        await using var worker = new InProcessWorker([.. setup.Configuration, "--Adapter:InboxSettleTime=00:05:00"], TimeProvider.System);
        var path = Path.Combine(setup.Inbox, Intakes);
        File.Copy(Path.Combine(RepoPaths.Inbox, Intakes), path);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-10));
        var stages = new List<string>();

        var counts = await IngestAsync(worker, new OnProgress(p => stages.Add(p.Stage)));

        Assert.Equal((1, Lines.Length), (counts.Files, counts.Records));
        Assert.NotEmpty(stages);
        Assert.DoesNotContain(stages, s => s.StartsWith("Waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Renamed_a_file_is_read_as_soon_as_it_has_its_name_and_never_under_a_temporary_one()
    {
        using var setup = EmptyInbox();
        await using var worker = new InProcessWorker([.. setup.Configuration, "--Adapter:InboxCompleteWhen=Renamed", "--Adapter:InboxSettleTime=01:00:00"], TimeProvider.System);
        var text = string.Join('\n', Lines) + "\n";
        var temporary = new[] { "export.ndjson.part", "export.ndjson.tmp", ".export.ndjson", "~export.ndjson", ".partial/export.ndjson" };
        Directory.CreateDirectory(Path.Combine(setup.Inbox, ".partial"));
        foreach (var name in temporary)
        {
            await File.WriteAllTextAsync(Path.Combine(setup.Inbox, name), text[..(text.Length / 2)]); // half-written, under a temporary name
        }

        var before = await IngestAsync(worker, null);
        await File.WriteAllTextAsync(Path.Combine(setup.Inbox, "export.ndjson.part"), text); // finished
        File.Move(Path.Combine(setup.Inbox, "export.ndjson.part"), Path.Combine(setup.Inbox, "export.ndjson"));
        var after = await IngestAsync(worker, null);

        Assert.Equal((0, 0, 0), (before.Files, before.NotComplete, before.Records));
        Assert.Equal((1, 0, Lines.Length, 0), (after.Files, after.NotComplete, after.Records, after.Rejected));
        Assert.Equal(["export.ndjson"], InboxReader.ListFiles(setup.Inbox));
    }

    [Fact]
    public async Task Marker_a_file_is_read_once_its_done_or_ready_marker_is_there_and_newer_than_it()
    {
        using var setup = EmptyInbox();
        await using var worker = new InProcessWorker([.. setup.Configuration, "--Adapter:InboxCompleteWhen=Marker"], TimeProvider.System);
        var path = Path.Combine(setup.Inbox, "export.ndjson");
        await File.WriteAllTextAsync(path, string.Join('\n', Lines[..2]) + "\n");
        var sessions = Path.Combine(setup.Inbox, "sessions.csv");
        File.Copy(Path.Combine(RepoPaths.Inbox, "2026-03-16_sessions-boca.csv"), sessions);

        var unmarked = await IngestAsync(worker, null);
        await File.WriteAllTextAsync(path + ".done", "");
        await File.WriteAllTextAsync(Path.Combine(setup.Inbox, "sessions.ready"), ""); // NAME.ready for NAME.csv
        var marked = await IngestAsync(worker, null);
        // The next export rewrites the file, but the marker left beside it is the old one's.
        await File.WriteAllTextAsync(path, string.Join('\n', Lines) + "\n");
        File.SetLastWriteTimeUtc(path + ".done", DateTime.UtcNow.AddMinutes(-1));
        var stale = await IngestAsync(worker, null);
        await File.WriteAllTextAsync(path + ".done", "");
        var remarked = await IngestAsync(worker, null);

        Assert.Equal((0, 2), (unmarked.Files, unmarked.NotComplete));
        Assert.Equal((2, 0), (marked.Files, marked.NotComplete));
        Assert.Equal((0, 1), (stale.Files, stale.NotComplete));
        Assert.Equal((1, 0, Lines.Length), (remarked.Files, remarked.NotComplete, remarked.Records));
    }

    [Fact]
    public async Task An_unknown_completion_convention_fails_at_start_naming_the_key()
    {
        using var setup = EmptyInbox();

        var run = await Cli.RunAsync(setup.Args("sync", "--once", "--Adapter:InboxCompleteWhen=Whenever"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Adapter:InboxCompleteWhen must be one of Settled, Renamed, Marker", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sync_report_says_how_many_files_were_left_for_the_next_sync()
    {
        var at = DateTimeOffset.UnixEpoch;
        using var output = new StringWriter();

        FhirAdapter.Worker.Commands.SyncCommand.Print(output, new SyncReport(at, at, 3, 40, 0, 0, 0, 0, 0, 0, 0, []) { FilesNotComplete = 2 });

        Assert.Contains("Read:      40 records from 3 new or changed files; 0 quarantined; 2 files not complete yet, read at the next sync.", output.ToString(), StringComparison.Ordinal);
    }

    private static SyncSetup EmptyInbox()
    {
        var setup = new SyncSetup(serverBaseUrl: null);
        setup.KeepOnly();
        return setup;
    }

    private static async Task<InboxIngestor.Counts> IngestAsync(InProcessWorker worker, IProgress<SyncProgress>? progress)
    {
        var run = await worker.Store.StartSyncRunAsync(worker.Owner, CancellationToken.None);
        return await worker.Ingestor.IngestAsync(run.Id, progress, CancellationToken.None);
    }

    private static string JsonId(string line) => (string)System.Text.Json.Nodes.JsonNode.Parse(line)!["recordId"]!;

    /// <summary>Progress reported synchronously, on the scan's own thread (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class OnProgress(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }
}
