using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Sqlite;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

internal sealed partial class PostgresAdapterStore
{
    public async Task<IReadOnlyList<DirtyPatient>> GetDirtyPatientsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null,
            "SELECT patient_key, generation, dirty_since FROM patient WHERE dirty_since IS NOT NULL ORDER BY dirty_since, patient_key LIMIT @n",
            r => new DirtyPatient(r.GetString(0), r.GetInt64(1), r.Time(2)),
            cancellationToken, ("@n", limit));
    }

    public Task<long> MarkDirtyAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return WriteAsync((connection, transaction) => MarkDirtyAsync(connection, transaction, patientKey, Now(), null, cancellationToken), cancellationToken);
    }

    private static async Task<long> MarkDirtyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string patientKey, DateTimeOffset now, ISet<string>? dirty, CancellationToken cancellationToken)
    {
        dirty?.Add(patientKey);
        var generation = await connection.ScalarAsync(transaction, """
            INSERT INTO patient (patient_key, generation, mapped_generation, dirty_since) VALUES (@p, 1, 0, @t)
            ON CONFLICT (patient_key) DO UPDATE SET generation = patient.generation + 1, dirty_since = COALESCE(patient.dirty_since, EXCLUDED.dirty_since)
            RETURNING generation
            """, cancellationToken, ("@p", patientKey), ("@t", now));
        return (long)generation!;
    }

    private static Task<List<string>> PatientsWaitingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, HeldWaitKind waitKind, string? waitKey, CancellationToken cancellationToken) =>
        connection.QueryAsync(transaction,
            "SELECT DISTINCT patient_key FROM held_record WHERE wait_kind = @k AND wait_key IS NOT DISTINCT FROM @w::text ORDER BY patient_key",
            r => r.GetString(0), cancellationToken, ("@k", SqliteValues.Code(waitKind)), ("@w", waitKey));

    public Task<IReadOnlyList<string>> ReleaseHeldAsync(HeldWaitKind waitKind, string? waitKey, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<string>>(async (connection, transaction) =>
        {
            // Like ingest, this marks several patients dirty: the same lock first, so the two never deadlock.
            await connection.ExecAsync(transaction, "SELECT pg_advisory_xact_lock(@l, hashtext(current_schema()))", cancellationToken, ("@l", DirtyMarkersLock));
            var now = Now();
            var keys = await PatientsWaitingAsync(connection, transaction, waitKind, waitKey, cancellationToken);
            foreach (var key in keys)
            {
                await MarkDirtyAsync(connection, transaction, key, now, null, cancellationToken);
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

        if (mapping.Resources.Select(r => (r.ResourceType, r.Identifier)).Distinct().Count() != mapping.Resources.Count)
        {
            throw new ArgumentException($"The mapping of {mapping.PatientKey} names one resource twice", nameof(mapping));
        }

        return WriteAsync(async (connection, transaction) =>
        {
            // The patient row first (created if new, then locked): it serializes this patient's writers.
            await connection.ExecAsync(transaction,
                "INSERT INTO patient (patient_key, generation, mapped_generation) VALUES (@p, 0, 0) ON CONFLICT (patient_key) DO NOTHING",
                cancellationToken, ("@p", mapping.PatientKey));
            await LockPatientAsync(connection, transaction, mapping.PatientKey, cancellationToken);
            await CheckLeaseAsync(connection, transaction, mapping.PatientKey, mapping.LeaseOwner, cancellationToken);
            var now = Now();
            var destinations = mapping.Destinations.Distinct(StringComparer.Ordinal).ToArray();

            var existing = (await connection.QueryAsync(transaction,
                "SELECT id, resource_type, identifier, content_hash, removed_at IS NOT NULL FROM patient_resource WHERE patient_key = @p",
                r => (Id: r.GetInt64(0), Type: r.GetString(1), Identifier: r.GetString(2), Hash: r.GetString(3), Removed: r.GetBoolean(4)),
                cancellationToken, ("@p", mapping.PatientKey)))
                .ToDictionary(r => (r.Type, r.Identifier));

            int added = 0, changed = 0, unchanged = 0, removed = 0, queued = 0, cancelled = 0;
            for (var position = 0; position < mapping.Resources.Count; position++)
            {
                var resource = mapping.Resources[position];
                var hash = SqliteAdapterStore.Hash(resource.Json);
                var found = existing.Remove((resource.ResourceType, resource.Identifier), out var old);
                if (!found)
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
                }

                var id = (long)(await connection.ScalarAsync(transaction, """
                    INSERT INTO patient_resource (patient_key, resource_type, identifier, logical_id, request_url, position, resource_json, content_hash, is_valid, outcome_json, validated_with, mapped_at, removed_at)
                    VALUES (@p, @type, @ident, @lid, @url, @pos, @json, @hash, @valid, @oo, @vw, @now, NULL)
                    ON CONFLICT (patient_key, resource_type, identifier) DO UPDATE SET
                        logical_id = EXCLUDED.logical_id, request_url = EXCLUDED.request_url, position = EXCLUDED.position,
                        resource_json = EXCLUDED.resource_json, content_hash = EXCLUDED.content_hash,
                        is_valid = EXCLUDED.is_valid, outcome_json = EXCLUDED.outcome_json, validated_with = EXCLUDED.validated_with, removed_at = NULL,
                        mapped_at = CASE WHEN patient_resource.content_hash = EXCLUDED.content_hash AND patient_resource.removed_at IS NULL
                                         THEN patient_resource.mapped_at ELSE EXCLUDED.mapped_at END
                    RETURNING id
                    """, cancellationToken,
                    ("@p", mapping.PatientKey), ("@type", resource.ResourceType), ("@ident", resource.Identifier), ("@lid", resource.LogicalId),
                    ("@url", resource.RequestUrl), ("@pos", position), ("@json", resource.Json), ("@hash", hash),
                    ("@valid", resource.Validation.IsValid), ("@oo", resource.Validation.OperationOutcomeJson), ("@vw", resource.Validation.ValidatedWith), ("@now", now)))!;

                if (resource.Validation.IsValid)
                {
                    foreach (var destination in destinations)
                    {
                        queued += await QueueAsync(connection, transaction, destination, id, mapping.PatientKey, hash, now, cancellationToken);
                    }

                    cancelled += await CancelRowsAsync(connection, transaction, "resource_id = @id AND destination <> ALL(@dests)",
                        "the destination is no longer allowed to receive this patient's data", now, cancellationToken,
                        ("@id", id), ("@dests", destinations));
                }
                else
                {
                    cancelled += await CancelRowsAsync(connection, transaction, "resource_id = @id", "the resource failed validation", now, cancellationToken, ("@id", id));
                }
            }

            Fault("mapping.resources");

            foreach (var gone in existing.Values.Where(r => !r.Removed))
            {
                removed++;
                await connection.ExecAsync(transaction, "UPDATE patient_resource SET removed_at = @now WHERE id = @id", cancellationToken, ("@now", now), ("@id", gone.Id));
                cancelled += await CancelRowsAsync(connection, transaction, "resource_id = @id", "the mapping no longer produces this resource", now, cancellationToken, ("@id", gone.Id));
            }

            await ReplaceHeldAsync(connection, transaction, mapping, now, cancellationToken);

            // Clean only if nothing changed since the generation that was mapped.
            var stillDirty = (bool)(await connection.ScalarAsync(transaction, """
                UPDATE patient SET mapped_generation = GREATEST(mapped_generation, @g), mapped_at = @now,
                    dirty_since = CASE WHEN generation <= @g THEN NULL ELSE dirty_since END
                WHERE patient_key = @p
                RETURNING dirty_since IS NOT NULL
                """, cancellationToken, ("@g", mapping.Generation), ("@now", now), ("@p", mapping.PatientKey)))!;

            return new PatientMappingResult(added, changed, unchanged, removed, queued, cancelled, stillDirty);
        }, cancellationToken);
    }

    /// <summary>Makes the destination's row ask for this version; returns 1 if it became (or moved to a newer) pending.</summary>
    private static Task<int> QueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string destination, long resourceId, string patientKey, string hash, DateTimeOffset now, CancellationToken cancellationToken) =>
        // Sent or rejected with this very version stays as it is: sending it again would change nothing.
        connection.ExecAsync(transaction, """
            INSERT INTO delivery (destination, resource_id, patient_key, status, content_hash, queued_at, attempts)
            VALUES (@d, @id, @p, 'pending', @h, @now, 0)
            ON CONFLICT (destination, resource_id) DO UPDATE SET
                status = 'pending', content_hash = EXCLUDED.content_hash, queued_at = EXCLUDED.queued_at, attempts = 0, reason = NULL, outcome_json = NULL
            WHERE delivery.content_hash <> EXCLUDED.content_hash OR delivery.status = 'cancelled'
            """, cancellationToken, ("@d", destination), ("@id", resourceId), ("@p", patientKey), ("@h", hash), ("@now", now));

    private static Task<int> CancelRowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string where, string reason, DateTimeOffset now, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        connection.ExecAsync(transaction,
            $"UPDATE delivery SET status = 'cancelled', reason = @reason, last_attempt_at = COALESCE(last_attempt_at, @cnow) WHERE status = 'pending' AND {where}",
            cancellationToken, [.. parameters, ("@reason", reason), ("@cnow", now)]);

    private static async Task ReplaceHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PatientMapping mapping, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // held_since survives remaps while the record keeps waiting for the same thing: it is what "older than" measures.
        var keep = mapping.Held.Select(h => $"{SqliteValues.Code(h.Kind)}/{h.RecordId}").ToArray();
        await connection.ExecAsync(transaction,
            "DELETE FROM held_record WHERE patient_key = @p AND kind || '/' || record_id <> ALL(@keep)",
            cancellationToken, ("@p", mapping.PatientKey), ("@keep", keep));
        foreach (var held in mapping.Held)
        {
            await connection.ExecAsync(transaction, """
                INSERT INTO held_record (kind, record_id, patient_key, wait_kind, wait_key, held_since) VALUES (@k, @r, @p, @wk, @w, @now)
                ON CONFLICT (kind, record_id) DO UPDATE SET patient_key = EXCLUDED.patient_key, wait_kind = EXCLUDED.wait_kind, wait_key = EXCLUDED.wait_key,
                    held_since = CASE WHEN held_record.patient_key = EXCLUDED.patient_key AND held_record.wait_kind = EXCLUDED.wait_kind
                                       AND held_record.wait_key IS NOT DISTINCT FROM EXCLUDED.wait_key
                                      THEN held_record.held_since ELSE EXCLUDED.held_since END
                """, cancellationToken,
                ("@k", SqliteValues.Code(held.Kind)), ("@r", held.RecordId), ("@p", mapping.PatientKey),
                ("@wk", SqliteValues.Code(held.WaitKind)), ("@w", held.WaitKey), ("@now", now));
        }
    }

    public async Task<IReadOnlyList<StoredResource>> GetResourcesAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, """
            SELECT patient_key, resource_type, identifier, logical_id, request_url, resource_json, content_hash, is_valid, outcome_json, mapped_at, validated_with
            FROM patient_resource WHERE patient_key = @p AND removed_at IS NULL ORDER BY position
            """,
            r => new StoredResource(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                new ResourceValidation(r.GetBoolean(7), r.NullableString(8)) { ValidatedWith = r.NullableString(10) }, r.Time(9)),
            cancellationToken, ("@p", patientKey));
    }

    public async Task<IReadOnlyList<HeldState>> GetHeldAsync(string? patientKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null,
            "SELECT patient_key, kind, record_id, wait_kind, wait_key, held_since FROM held_record WHERE @p::text IS NULL OR patient_key = @p::text ORDER BY held_since, kind, record_id",
            ReadHeld, cancellationToken, ("@p", patientKey));
    }

    public async Task<IReadOnlyList<HeldState>> GetHeldOlderThanAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(age, TimeSpan.Zero);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null,
            "SELECT patient_key, kind, record_id, wait_kind, wait_key, held_since FROM held_record WHERE held_since < @t ORDER BY held_since, kind, record_id",
            ReadHeld, cancellationToken, ("@t", PostgresValues.Time(_time.GetUtcNow() - age)));
    }

    private static HeldState ReadHeld(NpgsqlDataReader r) => new(
        r.GetString(0), SqliteValues.ParseKind(r.GetString(1)), r.GetString(2), SqliteValues.ParseWaitKind(r.GetString(3)), r.NullableString(4), r.Time(5));
}
