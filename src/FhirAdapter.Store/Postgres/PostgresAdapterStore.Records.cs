using FhirAdapter.Core.Export;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Records;
using FhirAdapter.Store.Sqlite;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

internal sealed partial class PostgresAdapterStore
{
    /// <summary>The advisory lock of every unit that marks several patients dirty (ingest, release of held records): taken first, so their patient-row locks never deadlock.</summary>
    private const int DirtyMarkersLock = PostgresMigrator.LockClass + 1;

    private const string RecordColumns = """
        kind, record_id, updated_at, status, site, content_hash, patient_mrn, patient_key, payload_json,
        source_file, source_line, source_row, source_index, outcome, is_current, arrivals, first_seen_at, last_seen_at
        """;

    public async Task<InboxFileState?> FindInboxFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(null,
            "SELECT path, size, last_write_ticks, sha256, processed_at, records, rejected FROM inbox_file WHERE path = @p",
            r => new InboxFileState(
                new InboxFile(r.GetString(0), r.GetInt64(1), new DateTimeOffset(r.GetInt64(2), TimeSpan.Zero), r.GetString(3)),
                r.Time(4), r.GetInt32(5), r.GetInt32(6)),
            cancellationToken, ("@p", path));
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
            // One ingest at a time: the version rules read the current version and then move it on, and a batch
            // marks several patients dirty in file order.
            await connection.ExecAsync(transaction, "SELECT pg_advisory_xact_lock(@l, hashtext(current_schema()))", cancellationToken, ("@l", DirtyMarkersLock));
            var now = Now();
            var dirty = new SortedSet<string>(StringComparer.Ordinal);
            var arrivals = new List<ArrivalResult>(batch.Records.Count);
            foreach (var arrival in batch.Records)
            {
                var outcome = await StoreArrivalAsync(connection, transaction, arrival, batch.SyncRunId, now, dirty, cancellationToken);
                arrivals.Add(new ArrivalResult(arrival.Record.Kind, arrival.Record.RecordId, outcome, arrival.PatientKey));
            }

            Fault("ingest.records");

            if (batch.ResolvedQuarantineIds.Count > 0)
            {
                await connection.ExecAsync(transaction, "DELETE FROM quarantine WHERE id = ANY(@ids)", cancellationToken, ("@ids", batch.ResolvedQuarantineIds.ToArray()));
            }

            var quarantineIds = new List<long>(batch.Rejected.Count);
            foreach (var entry in batch.Rejected)
            {
                quarantineIds.Add(await QuarantineAsync(connection, transaction, entry, now, cancellationToken));
            }

            if (batch.File is { } file)
            {
                await connection.ExecAsync(transaction, """
                    INSERT INTO inbox_file (path, size, last_write_utc, last_write_ticks, sha256, processed_at, records, rejected)
                    VALUES (@p, @s, @w, @wt, @h, @t, @r, @x)
                    ON CONFLICT (path) DO UPDATE SET size = EXCLUDED.size, last_write_utc = EXCLUDED.last_write_utc, last_write_ticks = EXCLUDED.last_write_ticks,
                        sha256 = EXCLUDED.sha256, processed_at = EXCLUDED.processed_at, records = EXCLUDED.records, rejected = EXCLUDED.rejected
                    """, cancellationToken,
                    ("@p", file.Path), ("@s", file.Size), ("@w", PostgresValues.Time(file.LastWriteUtc)), ("@wt", file.LastWriteUtc.UtcTicks), ("@h", file.Sha256),
                    ("@t", now), ("@r", batch.Records.Count), ("@x", batch.Rejected.Count));
            }

            return new IngestResult(arrivals, quarantineIds, [.. dirty]);
        }, cancellationToken);
    }

    private static async Task<VersionOutcome> StoreArrivalAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, RecordArrival arrival, long? syncRunId, DateTimeOffset now, SortedSet<string> dirty, CancellationToken cancellationToken)
    {
        var record = arrival.Record;
        var kind = SqliteValues.Code(record.Kind);
        var current = (await connection.QueryAsync(transaction,
            "SELECT id, updated_at, content_hash, patient_key FROM record_version WHERE kind = @k AND record_id = @r AND is_current",
            r => (Id: r.GetInt64(0), UpdatedAt: SqliteValues.ParseOriginal(r.GetString(1)), Hash: r.GetString(2), PatientKey: r.NullableString(3)),
            cancellationToken, ("@k", kind), ("@r", record.RecordId))).SingleOrDefault();
        var known = current.Hash is null ? (DateTimeOffset?)null : current.UpdatedAt;
        var outcome = VersionRules.Compare(known, current.Hash, record.UpdatedAt, record.ContentHash);
        await connection.ExecAsync(transaction, """
            INSERT INTO arrival_count (outcome, arrivals) VALUES (@o, 1) ON CONFLICT (outcome) DO UPDATE SET arrivals = arrival_count.arrivals + 1
            """, cancellationToken, ("@o", SqliteValues.Code(outcome)));

        if (outcome == VersionOutcome.Repeat)
        {
            await connection.ExecAsync(transaction, "UPDATE record_version SET arrivals = arrivals + 1, last_seen_at = @t WHERE id = @id",
                cancellationToken, ("@t", now), ("@id", current.Id));
            return outcome;
        }

        var becomesCurrent = outcome is VersionOutcome.New or VersionOutcome.Supersedes;
        if (becomesCurrent && current.Hash is not null)
        {
            await connection.ExecAsync(transaction, "UPDATE record_version SET is_current = false WHERE id = @id", cancellationToken, ("@id", current.Id));
        }

        // A stale or conflicting version seen before only counts another arrival.
        await connection.ExecAsync(transaction, $"""
            INSERT INTO record_version ({RecordColumns}, updated_at_utc, updated_at_ticks, form_key, sync_run_id)
            VALUES (@kind, @rid, @upd, @status, @site, @hash, @mrn, @pkey, @payload, @file, @line, @row, @index, @outcome, @current, 1, @now, @now, @updUtc, @updTicks, @form, @run)
            ON CONFLICT (kind, record_id, updated_at_ticks, content_hash) DO UPDATE SET
                arrivals = record_version.arrivals + 1, last_seen_at = EXCLUDED.last_seen_at, is_current = record_version.is_current OR EXCLUDED.is_current
            """, cancellationToken,
            ("@kind", kind), ("@rid", record.RecordId), ("@upd", SqliteValues.Original(record.UpdatedAt)), ("@status", SqliteValues.Code(record.Status)),
            ("@site", record.Site), ("@hash", record.ContentHash), ("@mrn", record.PatientMrn), ("@pkey", arrival.PatientKey),
            ("@payload", PayloadSerializer.Serialize(record.Payload)), ("@file", record.Source.File), ("@line", record.Source.Line),
            ("@row", record.Source.Row), ("@index", record.Source.Index), ("@outcome", SqliteValues.Code(outcome)), ("@current", becomesCurrent),
            ("@now", now), ("@updUtc", PostgresValues.Time(record.UpdatedAt)), ("@updTicks", record.UpdatedAt.UtcTicks), ("@form", FormKeyOf(record)), ("@run", syncRunId));

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
        return (await QueryRecordsAsync("kind = @k AND record_id = @r AND is_current", cancellationToken, ("@k", SqliteValues.Code(kind)), ("@r", recordId))).SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredRecord>> GetRecordVersionsAsync(RecordKind kind, string recordId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordId);
        return await QueryRecordsAsync("kind = @k AND record_id = @r ORDER BY updated_at_ticks, id", cancellationToken, ("@k", SqliteValues.Code(kind)), ("@r", recordId));
    }

    public async Task<IReadOnlyList<StoredRecord>> GetCurrentRecordsAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return await QueryRecordsAsync("patient_key = @p AND is_current ORDER BY kind, record_id", cancellationToken, ("@p", patientKey));
    }

    public async Task<IReadOnlyList<StoredRecord>> GetCurrentFormsAsync(CancellationToken cancellationToken) =>
        await QueryRecordsAsync("kind = 'form' AND is_current ORDER BY record_id", cancellationToken);

    public Task<RecordOutcomeCounts> CountRecordOutcomesAsync(CancellationToken cancellationToken) =>
        ReadAsync(async (connection, transaction) =>
        {
            var current = (long)(await connection.ScalarAsync(transaction, "SELECT COUNT(*) FROM record_version WHERE is_current", cancellationToken))!;
            var counts = (await connection.QueryAsync(transaction, "SELECT outcome, arrivals FROM arrival_count",
                r => (Outcome: SqliteValues.ParseOutcome(r.GetString(0)), Count: r.GetInt64(1)), cancellationToken))
                .ToDictionary(c => c.Outcome, c => c.Count);
            return new RecordOutcomeCounts(current, counts.GetValueOrDefault(VersionOutcome.New), counts.GetValueOrDefault(VersionOutcome.Supersedes),
                counts.GetValueOrDefault(VersionOutcome.Repeat), counts.GetValueOrDefault(VersionOutcome.Stale), counts.GetValueOrDefault(VersionOutcome.Conflict));
        }, cancellationToken);

    private async Task<List<StoredRecord>> QueryRecordsAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, $"SELECT {RecordColumns} FROM record_version WHERE {where}", ReadRecord, cancellationToken, parameters);
    }

    private static StoredRecord ReadRecord(NpgsqlDataReader r) => new(
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
        r.GetBoolean(14),
        r.GetInt32(15),
        r.Time(16),
        r.Time(17));
}
