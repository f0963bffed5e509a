using System.Data.Common;
using FhirAdapter.Core.Reading;
using FhirAdapter.Store.Patients;

namespace FhirAdapter.Store.Sql;

internal sealed partial class SqlAdapterStore
{
    private const string HeldSelect = "SELECT patient_key, kind, record_id, wait_kind, wait_key, held_since FROM held_record";

    private const string UpsertResourceSql = """
        INSERT INTO patient_resource (patient_key, resource_type, identifier, logical_id, request_url, position, resource_json, content_hash, is_valid, outcome_json, validated_with, mapped_at)
        VALUES (@p, @type, @ident, @lid, @url, @pos, @json, @hash, @valid, @oo, @vw, @now)
        ON CONFLICT (patient_key, resource_type, identifier) DO UPDATE SET logical_id = excluded.logical_id, request_url = excluded.request_url,
            position = excluded.position, resource_json = excluded.resource_json, content_hash = excluded.content_hash, is_valid = excluded.is_valid,
            outcome_json = excluded.outcome_json, validated_with = excluded.validated_with, removed_at = NULL,
            mapped_at = CASE WHEN patient_resource.content_hash = excluded.content_hash AND patient_resource.removed_at IS NULL THEN patient_resource.mapped_at ELSE excluded.mapped_at END
        """;

    // held_since survives remaps while the record keeps waiting for the same thing: it is what "older than" measures.
    private const string UpsertHeldSql = """
        INSERT INTO held_record (kind, record_id, patient_key, wait_kind, wait_key, held_since) VALUES (@k, @r, @p, @wk, @w, @now)
        ON CONFLICT (kind, record_id) DO UPDATE SET patient_key = excluded.patient_key, wait_kind = excluded.wait_kind, wait_key = excluded.wait_key,
            held_since = CASE WHEN held_record.patient_key = excluded.patient_key AND held_record.wait_kind = excluded.wait_kind
                              AND held_record.wait_key IS NOT DISTINCT FROM excluded.wait_key THEN held_record.held_since ELSE excluded.held_since END
        """;

    // Clean only if nothing changed since the generation that was mapped.
    private const string MappedSql = """
        UPDATE patient SET mapped_generation = CASE WHEN mapped_generation > @g THEN mapped_generation ELSE @g END, mapped_at = @now,
            dirty_since = CASE WHEN generation <= @g THEN NULL ELSE dirty_since END
        WHERE patient_key = @p RETURNING dirty_since IS NOT NULL
        """;

    private readonly string _deleteHeldSql = $"DELETE FROM held_record WHERE patient_key = @p AND kind || '/' || record_id NOT IN ({dialect.InList("@keep")})";

    public async Task<IReadOnlyList<DirtyPatient>> GetDirtyPatientsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await QueryAsync("SELECT patient_key, generation, dirty_since FROM patient WHERE dirty_since IS NOT NULL ORDER BY dirty_since, patient_key LIMIT @n",
            r => new DirtyPatient(r.GetString(0), r.GetInt64(1), Time(r, 2)), cancellationToken, ("@n", limit)).ConfigureAwait(false);
    }

    public async Task<int> MarkValidatedElsewhereAsync(string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        // Found by a read, each range on its own so that SQLite reads ix_patient_resource_validated_with (0008): under one
        // OR it scanned every resource row under the write lock at every start. Marked 500 at a time: short writes.
        var keys = await QueryAsync("""
            SELECT patient_key FROM patient_resource WHERE removed_at IS NULL AND validated_with < @fp UNION
            SELECT patient_key FROM patient_resource WHERE removed_at IS NULL AND validated_with > @fp UNION
            SELECT patient_key FROM patient_resource WHERE removed_at IS NULL AND validated_with IS NULL
            """, r => r.GetString(0), cancellationToken, ("@fp", fingerprint)).ConfigureAwait(false);
        var marked = 0;
        foreach (var batch in keys.Chunk(500))
        {
            marked += await WriteAsync(session => session.ExecAsync($"UPDATE patient SET generation = generation + 1, dirty_since = COALESCE(dirty_since, @t) WHERE patient_key IN ({dialect.InList("@keys")})",
                cancellationToken, ("@t", Now()), ("@keys", batch)), cancellationToken).ConfigureAwait(false);
        }

        return marked;
    }

    public Task<int> MarkAllDirtyAsync(CancellationToken cancellationToken) => WriteAsync(
        session => session.ExecAsync("UPDATE patient SET generation = generation + 1, dirty_since = COALESCE(dirty_since, @t)", cancellationToken, ("@t", Now())),
        cancellationToken);

    public Task<long> MarkDirtyAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return WriteAsync(session => MarkDirtyAsync(session, patientKey, Now(), null, cancellationToken), cancellationToken);
    }

    private static async Task<long> MarkDirtyAsync(SqlSession session, string patientKey, DateTimeOffset now, ISet<string>? dirty, CancellationToken cancellationToken)
    {
        dirty?.Add(patientKey);
        return (long)(await session.ScalarAsync("""
            INSERT INTO patient (patient_key, generation, mapped_generation, dirty_since) VALUES (@p, 1, 0, @t)
            ON CONFLICT (patient_key) DO UPDATE SET generation = patient.generation + 1, dirty_since = COALESCE(patient.dirty_since, excluded.dirty_since)
            RETURNING generation
            """, cancellationToken, ("@p", patientKey), ("@t", now)).ConfigureAwait(false))!;
    }

    private static Task<List<string>> PatientsWaitingAsync(SqlSession session, HeldWaitKind waitKind, string? waitKey, CancellationToken cancellationToken) =>
        session.QueryAsync("SELECT DISTINCT patient_key FROM held_record WHERE wait_kind = @k AND wait_key IS NOT DISTINCT FROM @w ORDER BY patient_key",
            r => r.GetString(0), cancellationToken, ("@k", StoreValues.Code(waitKind)), ("@w", waitKey));

    public Task<IReadOnlyList<string>> ReleaseHeldAsync(HeldWaitKind waitKind, string? waitKey, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<string>>(async session =>
        {
            // Like ingest, this marks several patients dirty: the same lock first, so the two never deadlock.
            await dialect.LockAsync(session, StoreLock.DirtyMarkers, cancellationToken).ConfigureAwait(false);
            var now = Now();
            var keys = await PatientsWaitingAsync(session, waitKind, waitKey, cancellationToken).ConfigureAwait(false);
            foreach (var key in keys)
            {
                await MarkDirtyAsync(session, key, now, null, cancellationToken).ConfigureAwait(false);
            }

            return keys;
        }, cancellationToken);

    public Task<PatientMappingResult> SavePatientMappingAsync(PatientMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentException.ThrowIfNullOrEmpty(mapping.PatientKey);
        ArgumentNullException.ThrowIfNull(mapping.Resources);
        ArgumentNullException.ThrowIfNull(mapping.Held);
        ArgumentNullException.ThrowIfNull(mapping.Destinations);
        foreach (var resource in mapping.Resources)
        {
            ArgumentNullException.ThrowIfNull(resource);
            ArgumentException.ThrowIfNullOrEmpty(resource.ResourceType);
            ArgumentException.ThrowIfNullOrEmpty(resource.Identifier);
            ArgumentException.ThrowIfNullOrEmpty(resource.LogicalId);
            ArgumentException.ThrowIfNullOrEmpty(resource.Json);
            ArgumentNullException.ThrowIfNull(resource.Validation);
        }

        if (mapping.Resources.DistinctBy(r => (r.ResourceType, r.Identifier)).Count() != mapping.Resources.Count)
        {
            throw new ArgumentException($"The mapping of {mapping.PatientKey} names one resource twice", nameof(mapping));
        }

        return WriteAsync(async session =>
        {
            // The patient row first (created if new, then locked): it serializes this patient's writers.
            var key = mapping.PatientKey;
            await session.ExecAsync("INSERT INTO patient (patient_key, generation, mapped_generation) VALUES (@p, 0, 0) ON CONFLICT (patient_key) DO NOTHING", cancellationToken, ("@p", key)).ConfigureAwait(false);
            await LockPatientAsync(session, key, cancellationToken).ConfigureAwait(false);
            await CheckLeaseAsync(session, key, mapping.LeaseOwner, cancellationToken).ConfigureAwait(false);
            var now = Now();
            var destinations = mapping.Destinations.Distinct(StringComparer.Ordinal).ToArray();
            if (destinations.Intersect(mapping.NotPermitted.Keys).FirstOrDefault() is { } both)
            {
                throw new ArgumentException($"The mapping of {key} names destination {both} as both permitted and not", nameof(mapping));
            }

            var existing = (await session.QueryAsync("SELECT id, resource_type, identifier, content_hash, removed_at, is_valid FROM patient_resource WHERE patient_key = @p",
                r => (Id: r.GetInt64(0), Type: r.GetString(1), Identifier: r.GetString(2), Hash: r.GetString(3), Removed: !r.IsDBNull(4), Valid: r.GetBoolean(5)),
                cancellationToken, ("@p", key)).ConfigureAwait(false))
                .ToDictionary(r => (r.Type, r.Identifier));

            int added = 0, changed = 0, unchanged = 0, removed = 0, validity = 0;
            for (var position = 0; position < mapping.Resources.Count; position++)
            {
                var resource = mapping.Resources[position];
                var hash = Hash(resource.Json);
                if (!existing.Remove((resource.ResourceType, resource.Identifier), out var old))
                {
                    added++;
                }
                else if (old.Hash != hash || old.Removed)
                {
                    changed++;
                }
                else
                {
                    unchanged++;
                    validity += old.Valid == resource.Validation.IsValid ? 0 : 1;
                }

                await session.ExecAsync(UpsertResourceSql, cancellationToken, ("@p", key), ("@type", resource.ResourceType), ("@ident", resource.Identifier),
                    ("@lid", resource.LogicalId), ("@url", resource.RequestUrl), ("@pos", position), ("@json", resource.Json), ("@hash", hash),
                    ("@valid", resource.Validation.IsValid), ("@oo", resource.Validation.OperationOutcomeJson), ("@vw", resource.Validation.ValidatedWith), ("@now", now)).ConfigureAwait(false);
            }

            Fault("mapping.resources");
            foreach (var gone in existing.Values.Where(r => !r.Removed))
            {
                removed++;
                await session.ExecAsync("UPDATE patient_resource SET removed_at = @now WHERE id = @id", cancellationToken, ("@now", now), ("@id", gone.Id)).ConfigureAwait(false);
            }

            // A patient with a resource that fails validation goes nowhere: the rest waits rather than going out half. A
            // mapping with no resource (every record held for the intake) has nothing to send yet.
            var permitted = mapping.Resources.Count > 0 && mapping.Resources.All(r => r.Validation.IsValid) ? destinations : [];
            var (queued, cancelled) = await QueueMappingAsync(session, key, permitted, mapping.NotPermitted, added + changed + removed + validity > 0, now, cancellationToken).ConfigureAwait(false);

            await session.ExecAsync(_deleteHeldSql, cancellationToken, ("@p", key), ("@keep", mapping.Held.Select(h => $"{StoreValues.Code(h.Kind)}/{h.RecordId}").ToArray())).ConfigureAwait(false);
            foreach (var held in mapping.Held)
            {
                await session.ExecAsync(UpsertHeldSql, cancellationToken, ("@k", StoreValues.Code(held.Kind)), ("@r", held.RecordId), ("@p", key),
                    ("@wk", StoreValues.Code(held.WaitKind)), ("@w", held.WaitKey), ("@now", now)).ConfigureAwait(false);
            }

            var stillDirty = Convert.ToBoolean(
                await session.ScalarAsync(MappedSql, cancellationToken, ("@g", mapping.Generation), ("@now", now), ("@p", key)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            return new PatientMappingResult(added, changed, unchanged, removed, queued, cancelled, stillDirty);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredResource>> GetResourcesAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return await QueryAsync("""
            SELECT patient_key, resource_type, identifier, logical_id, request_url, resource_json, content_hash, is_valid, outcome_json, mapped_at, validated_with
            FROM patient_resource WHERE patient_key = @p AND removed_at IS NULL ORDER BY position
            """, ReadResource, cancellationToken, ("@p", patientKey)).ConfigureAwait(false);
    }

    private StoredResource ReadResource(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        new ResourceValidation(r.GetBoolean(7), r.NullableString(8)) { ValidatedWith = r.NullableString(10) }, Time(r, 9));

    public async Task<IReadOnlyList<StoredResource>> GetRemovedResourcesAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return await QueryAsync("""
            SELECT patient_key, resource_type, identifier, logical_id, request_url, resource_json, content_hash, is_valid, outcome_json, mapped_at, validated_with
            FROM patient_resource r WHERE r.patient_key = @p AND r.removed_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM patient_resource o WHERE o.resource_type = r.resource_type AND o.identifier = r.identifier AND o.removed_at IS NULL)
            ORDER BY position
            """, ReadResource, cancellationToken, ("@p", patientKey)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<HeldState>> GetHeldAsync(string? patientKey, CancellationToken cancellationToken) => patientKey is null
        ? await QueryAsync($"{HeldSelect} ORDER BY held_since, kind, record_id", ReadHeld, cancellationToken).ConfigureAwait(false)
        : await QueryAsync($"{HeldSelect} WHERE patient_key = @p ORDER BY held_since, kind, record_id", ReadHeld, cancellationToken, ("@p", patientKey)).ConfigureAwait(false);

    public async Task<IReadOnlyList<HeldState>> GetHeldOlderThanAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(age, TimeSpan.Zero);
        return await QueryAsync($"{HeldSelect} WHERE held_since < @t ORDER BY held_since, kind, record_id", ReadHeld, cancellationToken, ("@t", dialect.Ceiling(time.GetUtcNow() - age))).ConfigureAwait(false);
    }

    private HeldState ReadHeld(DbDataReader r) =>
        new(r.GetString(0), StoreValues.Parse<RecordKind>(r.GetString(1)), r.GetString(2), StoreValues.Parse<HeldWaitKind>(r.GetString(3)), r.NullableString(4), Time(r, 5));
}
