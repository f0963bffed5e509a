using System.Text.Json;
using FhirAdapter.Store.Leases;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Store.Sqlite;

internal sealed partial class SqliteAdapterStore
{
    // A lease is free when there is none, it has expired, or the asker holds it already.
    private const string LeaseFree = "(l.patient_key IS NULL OR l.expires_at <= $now OR l.owner = $o)";

    public Task<IReadOnlyList<PatientLease>> ClaimDirtyPatientsAsync(string owner, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return ClaimAsync(owner, $"""
            SELECT p.patient_key, p.generation FROM patient p LEFT JOIN patient_lease l ON l.patient_key = p.patient_key
            WHERE p.dirty_since IS NOT NULL AND {LeaseFree}
            ORDER BY p.dirty_since, p.patient_key LIMIT $n
            """, cancellationToken, ("$n", max));
    }

    public Task<IReadOnlyList<PatientLease>> ClaimPendingPatientsAsync(string owner, string destination, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return ClaimAsync(owner, $"""
            SELECT d.patient_key, COALESCE(MAX(p.generation), 0) FROM delivery d
            LEFT JOIN patient p ON p.patient_key = d.patient_key
            LEFT JOIN patient_lease l ON l.patient_key = d.patient_key
            WHERE d.destination = $d AND d.status = 'pending' AND {LeaseFree}
            GROUP BY d.patient_key ORDER BY MIN(d.queued_at), d.patient_key LIMIT $n
            """, cancellationToken, ("$d", destination), ("$n", max));
    }

    public async Task<PatientLease?> TryClaimPatientAsync(string owner, string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        var claimed = await ClaimAsync(owner, $"""
            SELECT $k, COALESCE((SELECT generation FROM patient WHERE patient_key = $k), 0)
            WHERE NOT EXISTS (SELECT 1 FROM patient_lease l WHERE l.patient_key = $k AND NOT {LeaseFree})
            """, cancellationToken, ("$k", patientKey));
        return claimed.SingleOrDefault();
    }

    private Task<IReadOnlyList<PatientLease>> ClaimAsync(string owner, string candidatesSql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        WriteAsync<IReadOnlyList<PatientLease>>(async (connection, transaction) =>
        {
            // Candidates are chosen and leased under one write lock, so two workers never claim the same patient.
            var now = _time.GetUtcNow();
            var expires = now + _leaseDuration;
            var candidates = await connection.QueryAsync(transaction, candidatesSql, r => (Key: r.GetString(0), Generation: r.GetInt64(1)), cancellationToken,
                [.. parameters, ("$now", SqliteValues.Time(now)), ("$o", owner)]);
            var leases = new List<PatientLease>(candidates.Count);
            foreach (var (key, generation) in candidates)
            {
                await connection.ExecAsync(transaction, """
                    INSERT INTO patient_lease (patient_key, owner, expires_at, claimed_at) VALUES ($k, $o, $exp, $now)
                    ON CONFLICT (patient_key) DO UPDATE SET expires_at = $exp, claimed_at = CASE WHEN owner = $o THEN claimed_at ELSE $now END, owner = $o
                    """, cancellationToken, ("$k", key), ("$o", owner), ("$exp", SqliteValues.Time(expires)), ("$now", SqliteValues.Time(now)));
                leases.Add(new PatientLease(key, owner, SqliteValues.ParseTime(SqliteValues.Time(expires)), generation));
            }

            return leases;
        }, cancellationToken);

    public Task<IReadOnlyList<PatientLease>> RenewAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(patientKeys);
        return WriteAsync<IReadOnlyList<PatientLease>>(async (connection, transaction) =>
        {
            // An expired lease nobody took over is still this owner's: nobody else can have written meanwhile.
            var expires = SqliteValues.Time(_time.GetUtcNow() + _leaseDuration);
            var keys = JsonSerializer.Serialize(patientKeys);
            await connection.ExecAsync(transaction,
                "UPDATE patient_lease SET expires_at = $exp WHERE owner = $o AND patient_key IN (SELECT value FROM json_each($keys))",
                cancellationToken, ("$exp", expires), ("$o", owner), ("$keys", keys));
            return await connection.QueryAsync(transaction, """
                SELECT l.patient_key, l.expires_at, COALESCE(p.generation, 0) FROM patient_lease l LEFT JOIN patient p ON p.patient_key = l.patient_key
                WHERE l.owner = $o AND l.patient_key IN (SELECT value FROM json_each($keys)) ORDER BY l.patient_key
                """, r => new PatientLease(r.GetString(0), owner, SqliteValues.ParseTime(r.GetString(1)), r.GetInt64(2)),
                cancellationToken, ("$o", owner), ("$keys", keys));
        }, cancellationToken);
    }

    public Task ReleaseAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(patientKeys);
        return WriteAsync((connection, transaction) => connection.ExecAsync(transaction,
            "DELETE FROM patient_lease WHERE owner = $o AND patient_key IN (SELECT value FROM json_each($keys))",
            cancellationToken, ("$o", owner), ("$keys", JsonSerializer.Serialize(patientKeys))), cancellationToken);
    }

    public Task<bool> TryClaimTickAsync(string name, DateTimeOffset tick, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync(async (connection, transaction) =>
        {
            var at = SqliteValues.Time(tick);
            // Only a later tick moves the row on, so each tick has exactly one owner, whoever asked first.
            await connection.ExecAsync(transaction, """
                INSERT INTO tick_lease (name, tick_at, owner, claimed_at) VALUES ($n, $t, $o, $now)
                ON CONFLICT (name) DO UPDATE SET tick_at = $t, owner = $o, claimed_at = $now WHERE tick_at < $t
                """, cancellationToken, ("$n", name), ("$t", at), ("$o", owner), ("$now", Now()));
            var holder = await connection.QueryAsync(transaction, "SELECT tick_at, owner FROM tick_lease WHERE name = $n",
                r => (Tick: r.GetString(0), Owner: r.GetString(1)), cancellationToken, ("$n", name));
            return holder[0].Tick == at && holder[0].Owner == owner;
        }, cancellationToken);
    }

    private async Task CheckLeaseAsync(SqliteConnection connection, SqliteTransaction transaction, string patientKey, string? owner, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            return;
        }

        var holder = await connection.ScalarAsync(transaction, "SELECT owner FROM patient_lease WHERE patient_key = $k", cancellationToken, ("$k", patientKey));
        if (!string.Equals(holder as string, owner, StringComparison.Ordinal))
        {
            Log.LeaseLost(_logger, patientKey, owner);
            throw new LeaseLostException(patientKey, owner);
        }
    }
}
