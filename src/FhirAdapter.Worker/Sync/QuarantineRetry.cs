using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Operations.Quarantine;
using FhirAdapter.Store;
using FhirAdapter.Store.Quarantine;
using FhirAdapter.Store.Records;
using FhirAdapter.Worker.Scheduling;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// Reads a quarantined record again, for <c>quarantine retry</c> and the console's retry buttons. A record found bad
/// while mapping or validating is stored already: its patient is marked to be mapped again. One found bad while
/// reading is read again from its file in the inbox when the file is still there (so that fixing the file and retrying
/// takes effect at once), else parsed again from its stored raw text: valid now, it is ingested like any arrival and its
/// entry resolved. The next sync still reads the fixed file, where the record is then a repeat.
/// </summary>
internal sealed class QuarantineRetry(IAdapterStore store, RecordMapper mapper, IOptions<WorkerOptions> options) : IQuarantineRetry
{
    public async Task<RetryOutcome> RetryAsync(QuarantinedRecord entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.RawText is null)
        {
            var record = entry.RecordId is null ? null : await FindRecordAsync(entry.RecordId, cancellationToken).ConfigureAwait(false);
            if (record?.PatientKey is { } key)
            {
                await store.MarkDirtyAsync(key, cancellationToken).ConfigureAwait(false);
            }

            await store.DeleteQuarantinedAsync(entry.Id, cancellationToken).ConfigureAwait(false);
            return new RetryOutcome(false, "will be mapped again at the next sync (quarantined again if the problem remains)");
        }

        var item = await ReadAgainAsync(entry, cancellationToken).ConfigureAwait(false) ?? InboxReader.Reparse(entry.Source, entry.RawText);
        if (item.Record is not { } valid)
        {
            var fields = string.Join(", ", item.Errors.Select(e => e.Field).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal));
            var reasons = string.Join("; ", item.Errors.Select(e => e.Field.Length > 0 ? $"{e.Field}: {e.Message}" : e.Message));
            await store.MarkRetriedAsync(entry.Id, fields, reasons, cancellationToken).ConfigureAwait(false);
            return new RetryOutcome(true, $"still invalid: {reasons}");
        }

        var arrival = new RecordArrival(valid, valid.PatientMrn is { } mrn ? mapper.PatientKey(mrn) : null);
        await store.IngestAsync(new IngestBatch { Records = [arrival], ResolvedQuarantineIds = [entry.Id] }, cancellationToken).ConfigureAwait(false);
        return new RetryOutcome(false, "valid now; it joins the next sync");
    }

    /// <summary>
    /// The record as its file in the inbox has it now: the item at the same place with the same record id, else the
    /// first with that record id, else (a record with no readable id) the item at the same place. Null when the file is gone.
    /// </summary>
    private async Task<ReadItem?> ReadAgainAsync(QuarantinedRecord entry, CancellationToken cancellationToken)
    {
        var path = Path.Combine(options.Value.Inbox, entry.Source.File);
        if (Path.GetFileName(entry.Source.File) != entry.Source.File || !File.Exists(path))
        {
            return null;
        }

        ReadItem? samePlace = null;
        ReadItem? sameId = null;
        await foreach (var item in InboxReader.ReadFileAsync(path, entry.Source.File, cancellationToken).ConfigureAwait(false))
        {
            var id = item.Record?.RecordId ?? item.Errors.Select(e => e.RecordId).FirstOrDefault(r => r is not null);
            var source = item.Record?.Source ?? item.Errors.Select(e => e.Source).FirstOrDefault();
            var idMatches = entry.RecordId is null || string.Equals(id, entry.RecordId, StringComparison.Ordinal);
            if (source == entry.Source && idMatches)
            {
                return item;
            }

            samePlace ??= source == entry.Source ? item : null;
            sameId ??= entry.RecordId is not null && idMatches ? item : null;
        }

        return sameId ?? (entry.RecordId is null ? samePlace : null);
    }

    private async Task<StoredRecord?> FindRecordAsync(string recordId, CancellationToken cancellationToken)
    {
        foreach (var kind in Enum.GetValues<RecordKind>())
        {
            if (await store.GetCurrentRecordAsync(kind, recordId, cancellationToken).ConfigureAwait(false) is { } record)
            {
                return record;
            }
        }

        return null;
    }
}
