using System.Data.Common;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Records;

namespace FhirAdapter.Store.Sql;

internal sealed partial class SqlAdapterStore
{
    private const string RecordColumns = """
        kind, record_id, updated_at, status, site, content_hash, patient_mrn, patient_key, payload_json,
        source_file, source_line, source_row, source_index, outcome, is_current, arrivals, first_seen_at, last_seen_at
        """;

    private const string RecordSelect = $"SELECT {RecordColumns} FROM record_version";

    private readonly string _findInboxFileSql = $"SELECT path, size, {dialect.ExactColumn("last_write")}, sha256, processed_at, records, rejected FROM inbox_file WHERE path = @p";

    // The checkpoint is replaced whole (a delete and an insert), so the exact time's columns are named once.
    private readonly string _saveInboxFileSql = $"""
        DELETE FROM inbox_file WHERE path = @p;
        INSERT INTO inbox_file (path, size, {dialect.ExactColumns("last_write")}, sha256, processed_at, records, rejected) VALUES (@p, @s, {dialect.ExactValues("@w")}, @h, @t, @r, @x)
        """;

    // A consent's payload decides a same-instant tie (VersionRules.Restrictiveness); other kinds' payloads are not read.
    private readonly string _currentVersionSql = $"SELECT id, updated_at, content_hash, patient_key, CASE WHEN kind = 'consent' THEN payload_json END FROM record_version WHERE kind = @k AND record_id = @r AND is_current = {dialect.True}";

    // A stale or conflicting version seen before only counts another arrival.
    private readonly string _insertVersionSql = $"""
        INSERT INTO record_version ({RecordColumns}, {dialect.ExactColumns("updated_at")}, form_key, sync_run_id)
        VALUES (@kind, @rid, @upd, @status, @site, @hash, @mrn, @pkey, @payload, @file, @line, @row, @index, @outcome, @current, 1, @now, @now, {dialect.ExactValues("@utc")}, @form, @run)
        ON CONFLICT (kind, record_id, {dialect.ExactColumn("updated_at")}, content_hash) DO UPDATE SET arrivals = record_version.arrivals + 1,
            last_seen_at = excluded.last_seen_at, is_current = record_version.is_current OR excluded.is_current
        """;

    private readonly string _currentRecordSql = $"{RecordSelect} WHERE kind = @k AND record_id = @r AND is_current = {dialect.True}";

    private readonly string _recordVersionsSql = $"{RecordSelect} WHERE kind = @k AND record_id = @r ORDER BY {dialect.ExactColumn("updated_at")}, id";

    private readonly string _currentRecordsSql = $"{RecordSelect} WHERE patient_key = @p AND is_current = {dialect.True} ORDER BY kind, record_id";

    private readonly string _currentRecordsOfKindSql = $"{RecordSelect} WHERE patient_key = @p AND is_current = {dialect.True} AND kind = @k ORDER BY record_id";

    private readonly string _currentFormsSql = $"{RecordSelect} WHERE kind = 'form' AND is_current = {dialect.True} ORDER BY record_id";

    private readonly string _countCurrentSql = $"SELECT COUNT(*) FROM record_version WHERE is_current = {dialect.True}";

    public async Task<InboxFileState?> FindInboxFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return (await QueryAsync(_findInboxFileSql, r => new InboxFileState(new InboxFile(r.GetString(0), r.GetInt64(1), dialect.ReadExact(r, 2), r.GetString(3)),
            Time(r, 4), r.GetInt32(5), r.GetInt32(6)), cancellationToken, ("@p", path)).ConfigureAwait(false)).SingleOrDefault();
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
            if (arrival.Record.PatientMrn is not null == string.IsNullOrEmpty(arrival.PatientKey))
            {
                throw new ArgumentException(
                    $"Record {arrival.Record.RecordId}: a patient key is required for a record with a patient, and not allowed for a form", nameof(batch));
            }

            if (string.IsNullOrEmpty(arrival.Record.ContentHash))
            {
                throw new ArgumentException($"Record {arrival.Record.RecordId} has no content hash", nameof(batch));
            }
        }

        return WriteAsync(async session =>
        {
            // One ingest at a time: the version rules read the current version and then move it on, and a batch marks several patients dirty.
            await dialect.LockAsync(session, StoreLock.DirtyMarkers, cancellationToken).ConfigureAwait(false);
            var now = Now();
            var dirty = new SortedSet<string>(StringComparer.Ordinal);
            var arrivals = new List<ArrivalResult>(batch.Records.Count);
            foreach (var arrival in batch.Records)
            {
                var outcome = await StoreArrivalAsync(session, arrival, batch.SyncRunId, now, dirty, cancellationToken).ConfigureAwait(false);
                arrivals.Add(new ArrivalResult(arrival.Record.Kind, arrival.Record.RecordId, outcome, arrival.PatientKey));
            }

            Fault("ingest.records");
            if (batch.ResolvedQuarantineIds.Count > 0)
            {
                await session.ExecAsync($"DELETE FROM quarantine WHERE id IN ({dialect.InList("@ids")})", cancellationToken, ("@ids", batch.ResolvedQuarantineIds.ToArray())).ConfigureAwait(false);
            }

            var quarantineIds = new List<long>(batch.Rejected.Count);
            foreach (var entry in batch.Rejected)
            {
                quarantineIds.Add(await QuarantineAsync(session, entry, now, cancellationToken).ConfigureAwait(false));
            }

            if (batch.File is { } file)
            {
                await session.ExecAsync(_saveInboxFileSql, cancellationToken, ("@p", file.Path), ("@s", file.Size), ("@w", file.LastWriteUtc),
                    ("@w_ticks", file.LastWriteUtc.UtcTicks), ("@h", file.Sha256), ("@t", now), ("@r", batch.Records.Count), ("@x", batch.Rejected.Count)).ConfigureAwait(false);
            }

            return new IngestResult(arrivals, quarantineIds, [.. dirty]);
        }, cancellationToken);
    }

    private async Task<VersionOutcome> StoreArrivalAsync(
        SqlSession session, RecordArrival arrival, long? syncRunId, DateTimeOffset now, SortedSet<string> dirty, CancellationToken cancellationToken)
    {
        var record = arrival.Record;
        var kind = StoreValues.Code(record.Kind);
        var current = (await session.QueryAsync(_currentVersionSql,
            r => (Id: r.GetInt64(0), UpdatedAt: StoreValues.ParseOriginal(r.GetString(1)), Hash: r.GetString(2), PatientKey: r.NullableString(3),
                Restrictiveness: r.NullableString(4) is { } payload ? VersionRules.Restrictiveness(PayloadSerializer.Deserialize(record.Kind, payload)) : 0),
            cancellationToken, ("@k", kind), ("@r", record.RecordId)).ConfigureAwait(false)).SingleOrDefault();
        var outcome = VersionRules.Compare(current.Hash is null ? null : current.UpdatedAt, current.Hash, current.Restrictiveness,
            record.UpdatedAt, record.ContentHash, VersionRules.Restrictiveness(record.Payload));
        await session.ExecAsync("INSERT INTO arrival_count (outcome, arrivals) VALUES (@o, 1) ON CONFLICT (outcome) DO UPDATE SET arrivals = arrival_count.arrivals + 1",
            cancellationToken, ("@o", StoreValues.Code(outcome))).ConfigureAwait(false);
        if (outcome == VersionOutcome.Repeat)
        {
            await session.ExecAsync("UPDATE record_version SET arrivals = arrivals + 1, last_seen_at = @t WHERE id = @id", cancellationToken, ("@t", now), ("@id", current.Id)).ConfigureAwait(false);
            return outcome;
        }

        var becomesCurrent = outcome is VersionOutcome.New or VersionOutcome.Supersedes;
        if (becomesCurrent && current.Hash is not null)
        {
            await session.ExecAsync("UPDATE record_version SET is_current = @no WHERE id = @id", cancellationToken, ("@no", false), ("@id", current.Id)).ConfigureAwait(false);
        }

        await session.ExecAsync(_insertVersionSql, cancellationToken,
            ("@kind", kind), ("@rid", record.RecordId), ("@upd", StoreValues.Original(record.UpdatedAt)), ("@status", StoreValues.Code(record.Status)),
            ("@site", record.Site), ("@hash", record.ContentHash), ("@mrn", record.PatientMrn), ("@pkey", arrival.PatientKey),
            ("@payload", PayloadSerializer.Serialize(record.Payload)), ("@file", record.Source.File), ("@line", record.Source.Line),
            ("@row", record.Source.Row), ("@index", record.Source.Index), ("@outcome", StoreValues.Code(outcome)), ("@current", becomesCurrent),
            ("@now", now), ("@utc", record.UpdatedAt), ("@utc_ticks", record.UpdatedAt.UtcTicks), ("@form", FormKeyOf(record)), ("@run", syncRunId)).ConfigureAwait(false);
        if (!becomesCurrent)
        {
            return outcome;
        }

        if (record.Kind == RecordKind.Form)
        {
            await MarkDirtyAsync(session, StoreKeys.Questionnaires, now, dirty, cancellationToken).ConfigureAwait(false);
            foreach (var key in await PatientsWaitingAsync(session, HeldWaitKind.Form, FormKeyOf(record), cancellationToken).ConfigureAwait(false))
            {
                await MarkDirtyAsync(session, key, now, dirty, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            // Every patient record is mapped with the others, so a change to one (and an intake that releases held
            // consents and sessions) makes the patient dirty; a record that moved patients dirties the old one too.
            await MarkDirtyAsync(session, arrival.PatientKey!, now, dirty, cancellationToken).ConfigureAwait(false);
            if (current.PatientKey is { } previous && previous != arrival.PatientKey)
            {
                await MarkDirtyAsync(session, previous, now, dirty, cancellationToken).ConfigureAwait(false);
            }
        }

        return outcome;
    }

    private static string? FormKeyOf(ClinicRecord record) => record.Payload is FormPayload form ? RecordMapper.FormKey(form.FormId, form.Version) : null;

    public async Task<StoredRecord?> GetCurrentRecordAsync(RecordKind kind, string recordId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordId);
        return (await QueryAsync(_currentRecordSql, ReadRecord, cancellationToken, ("@k", StoreValues.Code(kind)), ("@r", recordId)).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredRecord>> GetRecordVersionsAsync(RecordKind kind, string recordId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordId);
        return await QueryAsync(_recordVersionsSql, ReadRecord, cancellationToken, ("@k", StoreValues.Code(kind)), ("@r", recordId)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredRecord>> GetCurrentRecordsAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return await QueryAsync(_currentRecordsSql, ReadRecord, cancellationToken, ("@p", patientKey)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredRecord>> GetCurrentRecordsAsync(string patientKey, RecordKind kind, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return await QueryAsync(_currentRecordsOfKindSql, ReadRecord, cancellationToken, ("@p", patientKey), ("@k", StoreValues.Code(kind))).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredRecord>> GetCurrentFormsAsync(CancellationToken cancellationToken) => await QueryAsync(_currentFormsSql, ReadRecord, cancellationToken).ConfigureAwait(false);

    public Task<RecordOutcomeCounts> CountRecordOutcomesAsync(CancellationToken cancellationToken) => ReadAsync(async session =>
    {
        var current = (long)(await session.ScalarAsync(_countCurrentSql, cancellationToken).ConfigureAwait(false))!;
        var counts = (await session.QueryAsync("SELECT outcome, arrivals FROM arrival_count", r => (StoreValues.Parse<VersionOutcome>(r.GetString(0)), r.GetInt64(1)), cancellationToken).ConfigureAwait(false))
            .ToDictionary();
        return new RecordOutcomeCounts(current, counts.GetValueOrDefault(VersionOutcome.New), counts.GetValueOrDefault(VersionOutcome.Supersedes),
            counts.GetValueOrDefault(VersionOutcome.Repeat), counts.GetValueOrDefault(VersionOutcome.Stale), counts.GetValueOrDefault(VersionOutcome.Conflict));
    }, cancellationToken);

    private StoredRecord ReadRecord(DbDataReader r) => new(
        StoreValues.Parse<RecordKind>(r.GetString(0)), r.GetString(1), StoreValues.ParseOriginal(r.GetString(2)), StoreValues.Parse<RecordStatus>(r.GetString(3)),
        r.NullableString(4), r.GetString(5), r.NullableString(6), r.NullableString(7), r.GetString(8),
        new SourceLocation(r.GetString(9), r.NullableInt(10), r.NullableInt(11), r.NullableInt(12)),
        StoreValues.Parse<VersionOutcome>(r.GetString(13)), r.GetBoolean(14), r.GetInt32(15), Time(r, 16), Time(r, 17));
}
