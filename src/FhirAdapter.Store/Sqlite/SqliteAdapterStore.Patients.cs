using System.Security.Cryptography;
using System.Text;
using FhirAdapter.Store.Patients;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Store.Sqlite;

internal sealed partial class SqliteAdapterStore
{
    public async Task<IReadOnlyList<DirtyPatient>> GetDirtyPatientsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null,
            "SELECT patient_key, generation, dirty_since FROM patient WHERE dirty_since IS NOT NULL ORDER BY dirty_since, patient_key LIMIT $n",
            r => new DirtyPatient(r.GetString(0), r.GetInt64(1), SqliteValues.ParseTime(r.GetString(2))),
            cancellationToken, ("$n", limit));
    }

    public Task<long> MarkDirtyAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return WriteAsync((connection, transaction) => MarkDirtyAsync(connection, transaction, patientKey, Now(), null, cancellationToken), cancellationToken);
    }

    private static async Task<long> MarkDirtyAsync(
        SqliteConnection connection, SqliteTransaction transaction, string patientKey, string now, ISet<string>? dirty, CancellationToken cancellationToken)
    {
        dirty?.Add(patientKey);
        var generation = await connection.ScalarAsync(transaction, """
            INSERT INTO patient (patient_key, generation, mapped_generation, dirty_since) VALUES ($p, 1, 0, $t)
            ON CONFLICT (patient_key) DO UPDATE SET generation = generation + 1, dirty_since = COALESCE(dirty_since, $t)
            RETURNING generation
            """, cancellationToken, ("$p", patientKey), ("$t", now));
        return (long)generation!;
    }

    private static Task<List<string>> PatientsWaitingAsync(
        SqliteConnection connection, SqliteTransaction transaction, HeldWaitKind waitKind, string? waitKey, CancellationToken cancellationToken) =>
        connection.QueryAsync(transaction,
            "SELECT DISTINCT patient_key FROM held_record WHERE wait_kind = $k AND wait_key IS $w ORDER BY patient_key",
            r => r.GetString(0), cancellationToken, ("$k", SqliteValues.Code(waitKind)), ("$w", waitKey));

    public Task<IReadOnlyList<string>> ReleaseHeldAsync(HeldWaitKind waitKind, string? waitKey, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<string>>(async (connection, transaction) =>
        {
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
            await CheckLeaseAsync(connection, transaction, mapping.PatientKey, mapping.LeaseOwner, cancellationToken);
            var now = Now();
            var destinations = mapping.Destinations.Distinct(StringComparer.Ordinal).ToList();
            await connection.ExecAsync(transaction,
                "INSERT INTO patient (patient_key, generation, mapped_generation) VALUES ($p, 0, 0) ON CONFLICT (patient_key) DO NOTHING",
                cancellationToken, ("$p", mapping.PatientKey));

            var existing = (await connection.QueryAsync(transaction,
                "SELECT id, resource_type, identifier, content_hash, removed_at FROM patient_resource WHERE patient_key = $p",
                r => (Id: r.GetInt64(0), Type: r.GetString(1), Identifier: r.GetString(2), Hash: r.GetString(3), Removed: !r.IsDBNull(4)),
                cancellationToken, ("$p", mapping.PatientKey)))
                .ToDictionary(r => (r.Type, r.Identifier));

            int added = 0, changed = 0, unchanged = 0, removed = 0, queued = 0, cancelled = 0;
            for (var position = 0; position < mapping.Resources.Count; position++)
            {
                var resource = mapping.Resources[position];
                var hash = Hash(resource.Json);
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
                    VALUES ($p, $type, $ident, $lid, $url, $pos, $json, $hash, $valid, $oo, $vw, $now, NULL)
                    ON CONFLICT (patient_key, resource_type, identifier) DO UPDATE SET
                        logical_id = $lid, request_url = $url, position = $pos, resource_json = $json, content_hash = $hash,
                        is_valid = $valid, outcome_json = $oo, validated_with = $vw, removed_at = NULL,
                        mapped_at = CASE WHEN content_hash = $hash AND removed_at IS NULL THEN mapped_at ELSE $now END
                    RETURNING id
                    """, cancellationToken,
                    ("$p", mapping.PatientKey), ("$type", resource.ResourceType), ("$ident", resource.Identifier), ("$lid", resource.LogicalId),
                    ("$url", resource.RequestUrl), ("$pos", position), ("$json", resource.Json), ("$hash", hash),
                    ("$valid", resource.Validation.IsValid ? 1 : 0), ("$oo", resource.Validation.OperationOutcomeJson), ("$vw", resource.Validation.ValidatedWith), ("$now", now)))!;

                if (resource.Validation.IsValid)
                {
                    foreach (var destination in destinations)
                    {
                        queued += await QueueAsync(connection, transaction, destination, id, mapping.PatientKey, hash, now, cancellationToken);
                    }

                    cancelled += await CancelRowsAsync(connection, transaction, "resource_id = $id AND destination NOT IN (SELECT value FROM json_each($dests))",
                        "the destination is no longer allowed to receive this patient's data", now, cancellationToken,
                        ("$id", id), ("$dests", System.Text.Json.JsonSerializer.Serialize(destinations)));
                }
                else
                {
                    cancelled += await CancelRowsAsync(connection, transaction, "resource_id = $id", "the resource failed validation", now, cancellationToken, ("$id", id));
                }
            }

            Fault("mapping.resources");

            foreach (var gone in existing.Values.Where(r => !r.Removed))
            {
                removed++;
                await connection.ExecAsync(transaction, "UPDATE patient_resource SET removed_at = $now WHERE id = $id", cancellationToken, ("$now", now), ("$id", gone.Id));
                cancelled += await CancelRowsAsync(connection, transaction, "resource_id = $id", "the mapping no longer produces this resource", now, cancellationToken, ("$id", gone.Id));
            }

            await ReplaceHeldAsync(connection, transaction, mapping, now, cancellationToken);

            // Clean only if nothing changed since the generation that was mapped.
            var stillDirty = (long)(await connection.ScalarAsync(transaction, """
                UPDATE patient SET mapped_generation = MAX(mapped_generation, $g), mapped_at = $now,
                    dirty_since = CASE WHEN generation <= $g THEN NULL ELSE dirty_since END
                WHERE patient_key = $p
                RETURNING dirty_since IS NOT NULL
                """, cancellationToken, ("$g", mapping.Generation), ("$now", now), ("$p", mapping.PatientKey)))! == 1;

            return new PatientMappingResult(added, changed, unchanged, removed, queued, cancelled, stillDirty);
        }, cancellationToken);
    }

    /// <summary>Makes the destination's row ask for this version; returns 1 if it became (or moved to a newer) pending.</summary>
    private static async Task<int> QueueAsync(
        SqliteConnection connection, SqliteTransaction transaction, string destination, long resourceId, string patientKey, string hash, string now, CancellationToken cancellationToken)
    {
        // Sent or rejected with this very version stays as it is: sending it again would change nothing.
        return await connection.ExecAsync(transaction, """
            INSERT INTO delivery (destination, resource_id, patient_key, status, content_hash, queued_at, attempts)
            VALUES ($d, $id, $p, 'pending', $h, $now, 0)
            ON CONFLICT (destination, resource_id) DO UPDATE SET
                status = 'pending', content_hash = $h, queued_at = $now, attempts = 0, reason = NULL, outcome_json = NULL
            WHERE content_hash <> $h OR status = 'cancelled'
            """, cancellationToken, ("$d", destination), ("$id", resourceId), ("$p", patientKey), ("$h", hash), ("$now", now));
    }

    private static Task<int> CancelRowsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string where, string reason, string now, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        connection.ExecAsync(transaction,
            $"UPDATE delivery SET status = 'cancelled', reason = $reason, last_attempt_at = COALESCE(last_attempt_at, $cnow) WHERE status = 'pending' AND {where}",
            cancellationToken, [.. parameters, ("$reason", reason), ("$cnow", now)]);

    private static async Task ReplaceHeldAsync(SqliteConnection connection, SqliteTransaction transaction, PatientMapping mapping, string now, CancellationToken cancellationToken)
    {
        // held_since survives remaps while the record keeps waiting for the same thing: it is what "older than" measures.
        var keep = System.Text.Json.JsonSerializer.Serialize(mapping.Held.Select(h => $"{SqliteValues.Code(h.Kind)}/{h.RecordId}"));
        await connection.ExecAsync(transaction,
            "DELETE FROM held_record WHERE patient_key = $p AND kind || '/' || record_id NOT IN (SELECT value FROM json_each($keep))",
            cancellationToken, ("$p", mapping.PatientKey), ("$keep", keep));
        foreach (var held in mapping.Held)
        {
            await connection.ExecAsync(transaction, """
                INSERT INTO held_record (kind, record_id, patient_key, wait_kind, wait_key, held_since) VALUES ($k, $r, $p, $wk, $w, $now)
                ON CONFLICT (kind, record_id) DO UPDATE SET patient_key = $p, wait_kind = $wk, wait_key = $w,
                    held_since = CASE WHEN patient_key = $p AND wait_kind = $wk AND wait_key IS $w THEN held_since ELSE $now END
                """, cancellationToken,
                ("$k", SqliteValues.Code(held.Kind)), ("$r", held.RecordId), ("$p", mapping.PatientKey),
                ("$wk", SqliteValues.Code(held.WaitKind)), ("$w", held.WaitKey), ("$now", now));
        }
    }

    public async Task<IReadOnlyList<StoredResource>> GetResourcesAsync(string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, """
            SELECT patient_key, resource_type, identifier, logical_id, request_url, resource_json, content_hash, is_valid, outcome_json, mapped_at, validated_with
            FROM patient_resource WHERE patient_key = $p AND removed_at IS NULL ORDER BY position
            """,
            r => new StoredResource(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                new ResourceValidation(r.GetInt64(7) == 1, r.NullableString(8)) { ValidatedWith = r.NullableString(10) }, SqliteValues.ParseTime(r.GetString(9))),
            cancellationToken, ("$p", patientKey));
    }

    public async Task<IReadOnlyList<HeldState>> GetHeldAsync(string? patientKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null,
            "SELECT patient_key, kind, record_id, wait_kind, wait_key, held_since FROM held_record WHERE $p IS NULL OR patient_key = $p ORDER BY held_since, kind, record_id",
            ReadHeld, cancellationToken, ("$p", patientKey));
    }

    public async Task<IReadOnlyList<HeldState>> GetHeldOlderThanAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(age, TimeSpan.Zero);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null,
            "SELECT patient_key, kind, record_id, wait_kind, wait_key, held_since FROM held_record WHERE held_since < $t ORDER BY held_since, kind, record_id",
            ReadHeld, cancellationToken, ("$t", SqliteValues.Time(_time.GetUtcNow() - age)));
    }

    private static HeldState ReadHeld(SqliteDataReader r) => new(
        r.GetString(0), SqliteValues.ParseKind(r.GetString(1)), r.GetString(2), SqliteValues.ParseWaitKind(r.GetString(3)), r.NullableString(4), SqliteValues.ParseTime(r.GetString(5)));

    internal static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

}
