using FhirAdapter.Core.Export;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Records;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Store.Sqlite;

internal sealed partial class SqliteAdapterStore
{
    private const string RecordColumns = """
        kind, record_id, updated_at, status, site, content_hash, patient_mrn, patient_key, payload_json,
        source_file, source_line, source_row, source_index, outcome, is_current, arrivals, first_seen_at, last_seen_at
        """;

    public async Task<InboxFileState?> FindInboxFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(null,
            "SELECT path, size, last_write_utc, sha256, processed_at, records, rejected FROM inbox_file WHERE path = $p",
            r => new InboxFileState(
                new InboxFile(r.GetString(0), r.GetInt64(1), SqliteValues.ParseTime(r.GetString(2)), r.GetString(3)),
                SqliteValues.ParseTime(r.GetString(4)), r.GetInt32(5), r.GetInt32(6)),
            cancellationToken, ("$p", path));
        return rows.SingleOrDefault();
    }

    public Task<IngestResult> IngestAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(batch.Records);
        ArgumentNullException.ThrowIfNull(batch.Rejected);
        ArgumentNullException.ThrowIfNull(batch.ResolvedQuarantineIds);
        foreach (var arrival in batch.Records)
        {
            ArgumentNullException.ThrowIfNull(arrival);
            ArgumentNullException.ThrowIfNull(arrival.Record);
            var hasPatient = arrival.Record.PatientMrn is not null;
            if (hasPatient == string.IsNullOrEmpty(arrival.PatientKey))
            {
                throw new ArgumentException(
                    $"Record {arrival.Record.RecordId}: a patient key is required for a record with a patient, and not allowed for a form", nameof(batch));
            }

            if (string.IsNullOrEmpty(arrival.Record.ContentHash))
            {
                throw new ArgumentException($"Record {arrival.Record.RecordId} has no content hash", nameof(batch));
            }
        }

        return WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var dirty = new SortedSet<string>(StringComparer.Ordinal);
            var arrivals = new List<ArrivalResult>(batch.Records.Count);
            foreach (var arrival in batch.Records)
            {
                var outcome = await StoreArrivalAsync(connection, transaction, arrival, batch.SyncRunId, now, dirty, cancellationToken);
                arrivals.Add(new ArrivalResult(arrival.Record.Kind, arrival.Record.RecordId, outcome, arrival.PatientKey));
            }

            Fault("ingest.records");

            foreach (var id in batch.ResolvedQuarantineIds)
            {
                await connection.ExecAsync(transaction, "DELETE FROM quarantine WHERE id = $id", cancellationToken, ("$id", id));
            }

            var quarantineIds = new List<long>(batch.Rejected.Count);
            foreach (var entry in batch.Rejected)
            {
                quarantineIds.Add(await QuarantineAsync(connection, transaction, entry, now, cancellationToken));
            }

            if (batch.File is { } file)
            {
                await connection.ExecAsync(transaction, """
                    INSERT INTO inbox_file (path, size, last_write_utc, sha256, processed_at, records, rejected)
                    VALUES ($p, $s, $w, $h, $t, $r, $x)
                    ON CONFLICT (path) DO UPDATE SET size = $s, last_write_utc = $w, sha256 = $h, processed_at = $t, records = $r, rejected = $x
                    """, cancellationToken,
                    ("$p", file.Path), ("$s", file.Size), ("$w", SqliteValues.Time(file.LastWriteUtc)), ("$h", file.Sha256),
                    ("$t", now), ("$r", batch.Records.Count), ("$x", batch.Rejected.Count));
            }

            return new IngestResult(arrivals, quarantineIds, [.. dirty]);
        }, cancellationToken);
    }

    private async Task<VersionOutcome> StoreArrivalAsync(
        SqliteConnection connection, SqliteTransaction transaction, RecordArrival arrival, long? syncRunId, string now, SortedSet<string> dirty, CancellationToken cancellationToken)
    {
        var record = arrival.Record;
        var kind = SqliteValues.Code(record.Kind);
        var current = (await connection.QueryAsync(transaction,
            "SELECT id, updated_at, content_hash, patient_key FROM record_version WHERE kind = $k AND record_id = $r AND is_current = 1",
            r => (Id: r.GetInt64(0), UpdatedAt: SqliteValues.ParseOriginal(r.GetString(1)), Hash: r.GetString(2), PatientKey: r.NullableString(3)),
            cancellationToken, ("$k", kind), ("$r", record.RecordId))).SingleOrDefault();
        var known = current.Hash is null ? (DateTimeOffset?)null : current.UpdatedAt;
        var outcome = VersionRules.Compare(known, current.Hash, record.UpdatedAt, record.ContentHash);
        await connection.ExecAsync(transaction, """
            INSERT INTO arrival_count (outcome, arrivals) VALUES ($o, 1) ON CONFLICT (outcome) DO UPDATE SET arrivals = arrivals + 1
            """, cancellationToken, ("$o", SqliteValues.Code(outcome)));

        if (outcome == VersionOutcome.Repeat)
        {
            await connection.ExecAsync(transaction, "UPDATE record_version SET arrivals = arrivals + 1, last_seen_at = $t WHERE id = $id",
                cancellationToken, ("$t", now), ("$id", current.Id));
            return outcome;
        }

        var becomesCurrent = outcome is VersionOutcome.New or VersionOutcome.Supersedes;
        if (becomesCurrent && current.Hash is not null)
        {
            await connection.ExecAsync(transaction, "UPDATE record_version SET is_current = 0 WHERE id = $id", cancellationToken, ("$id", current.Id));
        }

        // A stale or conflicting version seen before only counts another arrival.
        await connection.ExecAsync(transaction, $"""
            INSERT INTO record_version ({RecordColumns}, updated_at_utc, form_key, sync_run_id)
            VALUES ($kind, $rid, $upd, $status, $site, $hash, $mrn, $pkey, $payload, $file, $line, $row, $index, $outcome, $current, 1, $now, $now, $updUtc, $form, $run)
            ON CONFLICT (kind, record_id, updated_at_utc, content_hash) DO UPDATE SET arrivals = arrivals + 1, last_seen_at = $now, is_current = MAX(is_current, $current)
            """, cancellationToken,
            ("$kind", kind), ("$rid", record.RecordId), ("$upd", SqliteValues.Original(record.UpdatedAt)), ("$status", SqliteValues.Code(record.Status)),
            ("$site", record.Site), ("$hash", record.ContentHash), ("$mrn", record.PatientMrn), ("$pkey", arrival.PatientKey),
            ("$payload", PayloadSerializer.Serialize(record.Payload)), ("$file", record.Source.File), ("$line", record.Source.Line),
            ("$row", record.Source.Row), ("$index", record.Source.Index), ("$outcome", SqliteValues.Code(outcome)), ("$current", becomesCurrent ? 1 : 0),
            ("$now", now), ("$updUtc", SqliteValues.Time(record.UpdatedAt)), ("$form", FormKeyOf(record)), ("$run", syncRunId));

        if (!becomesCurrent)
        {
            return outcome;
        }

        if (record.Kind == RecordKind.Form)
        {
            await MarkDirtyAsync(connection, transaction, StoreKeys.Questionnaires, now, dirty, cancellationToken);
            foreach (var key in await PatientsWaitingAsync(connection, transaction, HeldWaitKind.Form, FormKeyOf(record), cancellationToken))
            {
                await MarkDirtyAsync(connection, transaction, key, now, dirty, cancellationToken);
            }
        }
        else
        {
            // Every patient record is mapped with the others, so a change to one (and an intake that releases held
            // consents and sessions) makes the patient dirty; a record that moved patients dirties the old one too.
            await MarkDirtyAsync(connection, transaction, arrival.PatientKey!, now, dirty, cancellationToken);
            if (current.PatientKey is { } previous && previous != arrival.PatientKey)
            {
                await MarkDirtyAsync(connection, transaction, previous, now, dirty, cancellationToken);
            }
        }

        return outcome;
    }

    private static string? FormKeyOf(ExportRecord record) =>
        record.Payload is FormPayload form ? ExportMapper.FormKey(form.FormId, form.Version) : null;

    public async Task<StoredRecord?> GetCurrentRecordAsync(RecordKind kind, string recordId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordId);
        return (await QueryRecordsAsync("kind = $k AND record_id = $r AND is_current = 1", cancellationToken, ("$k", SqliteValues.Code(kind)), ("$r", recordId))).SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredRecord>> GetRecordVersionsAsync(RecordKind kind, string recordId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordId);
        return await QueryRecordsAsync("kind = $k AND record_id = $r ORDER BY updated_at_utc, id", cancellationToken, ("$k", SqliteValues.Code(kind)), ("$r", recordId));
    }

    public async Task<IReadOnlyList<StoredRecord>> GetCurrentRecordsAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return await QueryRecordsAsync("patient_key = $p AND is_current = 1 ORDER BY kind, record_id", cancellationToken, ("$p", patientKey));
    }

    public async Task<IReadOnlyList<StoredRecord>> GetCurrentFormsAsync(CancellationToken cancellationToken) =>
        await QueryRecordsAsync("kind = 'form' AND is_current = 1 ORDER BY record_id", cancellationToken);

    public Task<RecordOutcomeCounts> CountRecordOutcomesAsync(CancellationToken cancellationToken) =>
        ReadAsync(async (connection, transaction) =>
        {
            var current = (long)(await connection.ScalarAsync(transaction, "SELECT COUNT(*) FROM record_version WHERE is_current = 1", cancellationToken))!;
            var counts = (await connection.QueryAsync(transaction, "SELECT outcome, arrivals FROM arrival_count",
                r => (Outcome: SqliteValues.ParseOutcome(r.GetString(0)), Count: r.GetInt64(1)), cancellationToken))
                .ToDictionary(c => c.Outcome, c => c.Count);
            var rows = new[]
            {
                new RecordOutcomeCounts(current, counts.GetValueOrDefault(VersionOutcome.New), counts.GetValueOrDefault(VersionOutcome.Supersedes),
                    counts.GetValueOrDefault(VersionOutcome.Repeat), counts.GetValueOrDefault(VersionOutcome.Stale), counts.GetValueOrDefault(VersionOutcome.Conflict)),
            };
            return rows[0];
        }, cancellationToken);

    private async Task<List<StoredRecord>> QueryRecordsAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, $"SELECT {RecordColumns} FROM record_version WHERE {where}", ReadRecord, cancellationToken, parameters);
    }

    private static StoredRecord ReadRecord(SqliteDataReader r) => new(
        SqliteValues.ParseKind(r.GetString(0)),
        r.GetString(1),
        SqliteValues.ParseOriginal(r.GetString(2)),
        SqliteValues.ParseStatus(r.GetString(3)),
        r.NullableString(4),
        r.GetString(5),
        r.NullableString(6),
        r.NullableString(7),
        r.GetString(8),
        new SourceLocation(r.GetString(9), r.NullableInt(10), r.NullableInt(11), r.NullableInt(12)),
        SqliteValues.ParseOutcome(r.GetString(13)),
        r.GetInt64(14) == 1,
        r.GetInt32(15),
        SqliteValues.ParseTime(r.GetString(16)),
        SqliteValues.ParseTime(r.GetString(17)));
}
