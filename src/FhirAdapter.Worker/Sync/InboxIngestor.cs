using System.Security.Cryptography;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Store.Quarantine;
using FhirAdapter.Store.Records;
using FhirAdapter.Worker.Scheduling;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// Reads new and changed inbox files into the store: each file's records, its invalid records (to the
/// quarantine) and its checkpoint in one unit, so a crash mid-file means the file is simply read again.
/// An unchanged file (same size and time, or same SHA-256) is not parsed again. A file the practice system is still
/// writing (<see cref="FileCompleteness"/>) is not read until it is complete: the pass waits for it a while, then
/// leaves it to the next pass; a file that changes while it is being read is not stored from that read.
/// </summary>
internal sealed class InboxIngestor(IAdapterStore store, RecordMapper mapper, FileCompleteness completeness, IOptions<WorkerOptions> options, TimeProvider time)
{
    /// <param name="NotComplete">Files left for a later pass because they were still being written (or lack their marker).</param>
    /// <param name="QuarantineCleared">Quarantine entries that no longer apply: their record was read valid, or their file was read again without them.</param>
    public sealed record Counts(
        int Files, int FilesSkipped, int Records, int Rejected, int New, int Superseded, int Repeats, int Stale, int NotComplete = 0, int QuarantineCleared = 0)
    {
        /// <summary>A pass that did not read the inbox (another instance had the tick).</summary>
        public static Counts None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);
    }

    private sealed class Tally
    {
        public int Files, Skipped, Records, Rejected, New, Superseded, Repeats, Stale;

        public readonly HashSet<long> Cleared = [];
    }

    /// <summary>The quarantine as the pass found it: entries by recordId, and the entries each file's reading made.</summary>
    private sealed class Quarantined
    {
        public required Dictionary<string, List<long>> ByRecordId { get; init; }

        public required Dictionary<string, List<(long Id, QuarantineEntry Entry)>> ByFile { get; init; }
    }

    private const string WaitingStage = "Waiting for files still being written";

    public async Task<Counts> IngestAsync(long runId, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var inbox = options.Value.Inbox;
        var tally = new Tally();
        var names = InboxReader.ListFiles(inbox);

        // The quarantine, read once: a record fixed in the export and read again clears its entries, and a file read again
        // clears the entries its earlier version's reading made that this reading does not make again (a line cut by a
        // read mid-write, a record since removed from the file).
        var entries = await store.ListQuarantineAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);
        var quarantined = new Quarantined
        {
            ByRecordId = entries.Where(q => q.RawText is not null && q.RecordId is not null)
                .GroupBy(q => q.RecordId!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(q => q.Id).ToList(), StringComparer.Ordinal),
            ByFile = entries.Where(q => !q.MadeByMapping)
                .GroupBy(q => q.Source.File, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(q => (q.Id, q.AsEntry())).ToList(), StringComparer.Ordinal),
        };
        var incomplete = new List<string>();
        foreach (var name in names)
        {
            progress?.Report(new SyncProgress("Reading the inbox", tally.Files + tally.Skipped + incomplete.Count, names.Count));
            cancellationToken.ThrowIfCancellationRequested();
            if (!await TryIngestFileAsync(name, runId, quarantined, tally, cancellationToken).ConfigureAwait(false))
            {
                incomplete.Add(name);
            }
        }

        progress?.Report(new SyncProgress("Reading the inbox", names.Count, names.Count));
        if (incomplete.Count > 0 && completeness.WaitsWithinPass)
        {
            // Files still being written: wait for them to settle, for a while, rather than leave them to the next pass.
            var deadline = time.GetUtcNow() + completeness.MaxWait;
            while (incomplete.Count > 0 && time.GetUtcNow() < deadline)
            {
                progress?.Report(new SyncProgress(WaitingStage, 0, incomplete.Count));
                var wait = incomplete.Select(n => completeness.UntilSettled(Path.Combine(inbox, n))).Min();
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                foreach (var name in incomplete.ToList())
                {
                    if (await TryIngestFileAsync(name, runId, quarantined, tally, cancellationToken).ConfigureAwait(false))
                    {
                        incomplete.Remove(name);
                    }
                }
            }

            progress?.Report(new SyncProgress(WaitingStage, incomplete.Count, incomplete.Count));
        }

        return new Counts(
            tally.Files, tally.Skipped, tally.Records, tally.Rejected, tally.New, tally.Superseded, tally.Repeats, tally.Stale, incomplete.Count, tally.Cleared.Count);
    }

    /// <summary>Reads one file if it changed; false when it is not complete yet (or changed while it was read).</summary>
    private async Task<bool> TryIngestFileAsync(string name, long runId, Quarantined quarantined, Tally tally, CancellationToken cancellationToken)
    {
        var path = Path.Combine(options.Value.Inbox, name);
        var stamp = FileCompleteness.Stamp.Of(new FileInfo(path));
        if (stamp.Size < 0)
        {
            completeness.Forget(path); // gone since the listing (renamed or removed by the practice system)
            return true;
        }

        var known = await store.FindInboxFileAsync(name, cancellationToken).ConfigureAwait(false);
        if (known is not null && known.LooksUnchanged(stamp.Size, stamp.LastWriteUtc))
        {
            completeness.Forget(path);
            tally.Skipped++;
            return true;
        }

        if (!completeness.IsComplete(path, stamp))
        {
            return false;
        }

        var sha = await Sha256Async(path, cancellationToken).ConfigureAwait(false);
        var file = new InboxFile(name, stamp.Size, stamp.LastWriteUtc, sha);
        if (known is not null && known.File.Sha256 == sha)
        {
            // Touched but not changed: move the checkpoint, parse nothing.
            await store.IngestAsync(new IngestBatch { File = file, SyncRunId = runId }, cancellationToken).ConfigureAwait(false);
            completeness.Forget(path);
            tally.Skipped++;
            return true;
        }

        var arrivals = new List<RecordArrival>();
        var quarantine = new List<QuarantineEntry>();
        await foreach (var item in InboxReader.ReadFileAsync(path, name, cancellationToken).ConfigureAwait(false))
        {
            if (item.Record is { } record)
            {
                arrivals.Add(new RecordArrival(record, record.PatientMrn is { } mrn ? mapper.PatientKey(mrn) : null));
            }
            else
            {
                quarantine.Add(QuarantineEntry.FromErrors(item.Errors, item.RawText));
            }
        }

        if (FileCompleteness.Stamp.Of(new FileInfo(path)) != stamp)
        {
            // Written to while we read it: what we read may be cut. Nothing of it is stored; it is read once it settles.
            return false;
        }

        var earlier = quarantined.ByFile.GetValueOrDefault(name) ?? [];
        var resolved = arrivals.Select(a => a.Record.RecordId).Distinct(StringComparer.Ordinal)
            .SelectMany(id => quarantined.ByRecordId.Remove(id, out var ids) ? ids : [])
            .Concat(earlier.Where(e => !quarantine.Contains(e.Entry)).Select(e => e.Id)) // (record equality: the store's dedupe fields)
            .Where(id => !tally.Cleared.Contains(id))
            .Distinct().ToList();
        var result = await store.IngestAsync(
            new IngestBatch { File = file, Records = arrivals, Rejected = quarantine, ResolvedQuarantineIds = resolved, SyncRunId = runId }, cancellationToken)
            .ConfigureAwait(false);
        completeness.Forget(path);
        tally.Cleared.UnionWith(resolved);
        var made = quarantine.Zip(result.QuarantineIds, (entry, id) => (id, entry)).ToList();
        quarantined.ByFile[name] = made;
        foreach (var (id, entry) in made.Where(e => e.entry.RawText is not null && e.entry.RecordId is not null))
        {
            quarantined.ByRecordId.TryAdd(entry.RecordId!, []);
            quarantined.ByRecordId[entry.RecordId!].Add(id);
        }

        tally.Files++;
        tally.Records += arrivals.Count + quarantine.Count;
        tally.Rejected += quarantine.Count;
        foreach (var arrival in result.Arrivals)
        {
            switch (arrival.Outcome)
            {
                case VersionOutcome.New: tally.New++; break;
                case VersionOutcome.Supersedes: tally.Superseded++; break;
                case VersionOutcome.Repeat: tally.Repeats++; break;
                case VersionOutcome.Stale: tally.Stale++; break;
                case VersionOutcome.Conflict: tally.Rejected++; break;
            }
        }

        return true;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }
}
