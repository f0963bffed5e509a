using System.Security.Cryptography;
using FhirAdapter.Core.Export;
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
/// An unchanged file (same size and time, or same SHA-256) is not parsed again.
/// </summary>
internal sealed class InboxIngestor(IAdapterStore store, ExportMapper mapper, IOptions<WorkerOptions> options)
{
    public sealed record Counts(int Files, int FilesSkipped, int Records, int Rejected, int New, int Superseded, int Repeats, int Stale)
    {
        /// <summary>A pass that did not read the inbox (another instance had the tick).</summary>
        public static Counts None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);
    }

    public async Task<Counts> IngestAsync(long runId, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var inbox = options.Value.Inbox;
        int files = 0, skipped = 0, records = 0, rejected = 0, fresh = 0, superseded = 0, repeats = 0, stale = 0;
        var names = InboxReader.ListFiles(inbox);

        // Quarantined records by recordId, read once: a record fixed in the export and read again clears its entries.
        var quarantined = (await store.ListQuarantineAsync(int.MaxValue, cancellationToken).ConfigureAwait(false))
            .Where(q => q.RawText is not null && q.RecordId is not null)
            .GroupBy(q => q.RecordId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(q => q.Id).ToList(), StringComparer.Ordinal);
        foreach (var name in names)
        {
            progress?.Report(new SyncProgress("Reading the inbox", files + skipped, names.Count));
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(inbox, name);
            var info = new FileInfo(path);
            var lastWrite = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
            var known = await store.FindInboxFileAsync(name, cancellationToken).ConfigureAwait(false);
            if (known is not null && known.LooksUnchanged(info.Length, lastWrite))
            {
                skipped++;
                continue;
            }

            var sha = await Sha256Async(path, cancellationToken).ConfigureAwait(false);
            var file = new InboxFile(name, info.Length, lastWrite, sha);
            if (known is not null && known.File.Sha256 == sha)
            {
                // Touched but not changed: move the checkpoint, parse nothing.
                await store.IngestAsync(new IngestBatch { File = file, SyncRunId = runId }, cancellationToken).ConfigureAwait(false);
                skipped++;
                continue;
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

            var resolved = arrivals.Select(a => a.Record.RecordId).Distinct(StringComparer.Ordinal)
                .SelectMany(id => quarantined.Remove(id, out var ids) ? ids : []).ToList();
            var result = await store.IngestAsync(
                new IngestBatch { File = file, Records = arrivals, Rejected = quarantine, ResolvedQuarantineIds = resolved, SyncRunId = runId }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var (entry, id) in quarantine.Zip(result.QuarantineIds).Where(e => e.First.RawText is not null && e.First.RecordId is not null))
            {
                quarantined.TryAdd(entry.RecordId!, []);
                quarantined[entry.RecordId!].Add(id);
            }

            files++;
            records += arrivals.Count + quarantine.Count;
            rejected += quarantine.Count;
            foreach (var arrival in result.Arrivals)
            {
                switch (arrival.Outcome)
                {
                    case VersionOutcome.New: fresh++; break;
                    case VersionOutcome.Supersedes: superseded++; break;
                    case VersionOutcome.Repeat: repeats++; break;
                    case VersionOutcome.Stale: stale++; break;
                    case VersionOutcome.Conflict: rejected++; break;
                }
            }
        }

        progress?.Report(new SyncProgress("Reading the inbox", names.Count, names.Count));
        return new Counts(files, skipped, records, rejected, fresh, superseded, repeats, stale);
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
