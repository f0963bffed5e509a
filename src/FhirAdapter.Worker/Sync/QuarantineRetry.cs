using FhirAdapter.Core.Export;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Operations.Quarantine;
using FhirAdapter.Store;
using FhirAdapter.Store.Quarantine;
using FhirAdapter.Store.Records;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// Reads a quarantined record again, for <c>quarantine retry</c> and the console's retry buttons. A record found bad
/// while mapping or validating is stored already: its patient is marked to be mapped again. One found bad while
/// reading is parsed again from its raw text: valid now, it is ingested like any arrival and its entry resolved.
/// </summary>
internal sealed class QuarantineRetry(IAdapterStore store, ExportMapper mapper) : IQuarantineRetry
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

        var item = InboxReader.Reparse(entry.Source, entry.RawText);
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
