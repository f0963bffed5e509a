using FhirAdapter.Store.Leases;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

internal sealed partial class PostgresAdapterStore
{
    // A lease is free when there is none, it has expired, or the asker holds it already.
    private const string LeaseFree = "(l.patient_key IS NULL OR l.expires_at <= @now OR l.owner = @o)";

    // Takes the candidates' leases. The WHERE on the conflict is evaluated against the latest committed lease row,
    // so even a candidate read from an older snapshot is only taken if still free: that, not the row locks, is what
    // makes a claim exclusive. RETURNING lists exactly what this call got. Lease rows are written in key order, as
    // renewals and releases lock them, so that those never deadlock with a claim.
    private const string TakeLeases = """
        taken AS (
            INSERT INTO patient_lease (patient_key, owner, expires_at, claimed_at)
            SELECT patient_key, @o, @exp, @now FROM candidates ORDER BY patient_key
            ON CONFLICT (patient_key) DO UPDATE SET
                owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at,
                claimed_at = CASE WHEN patient_lease.owner = EXCLUDED.owner THEN patient_lease.claimed_at ELSE EXCLUDED.claimed_at END
            WHERE patient_lease.owner = EXCLUDED.owner OR patient_lease.expires_at <= @now
            RETURNING patient_key, expires_at
        )
        SELECT t.patient_key, t.expires_at, c.generation FROM taken t JOIN candidates c ON c.patient_key = t.patient_key ORDER BY c.rank
        """;

    public Task<IReadOnlyList<PatientLease>> ClaimDirtyPatientsAsync(string owner, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        // SKIP LOCKED: patients whose row another worker holds (claiming, mapping, delivering) are passed over, so
        // concurrent claimers take disjoint sets without waiting for each other.
        return ClaimAsync(owner, $"""
            WITH locked AS (
                SELECT p.patient_key, p.generation, p.dirty_since FROM patient p LEFT JOIN patient_lease l ON l.patient_key = p.patient_key
                WHERE p.dirty_since IS NOT NULL AND {LeaseFree}
                ORDER BY p.dirty_since, p.patient_key LIMIT @n
                FOR UPDATE OF p SKIP LOCKED
            ),
            candidates AS (
                SELECT patient_key, generation, row_number() OVER (ORDER BY dirty_since, patient_key) AS rank FROM locked
            ),
            {TakeLeases}
            """, cancellationToken, ("@n", max));
    }

    public Task<IReadOnlyList<PatientLease>> ClaimPendingPatientsAsync(string owner, string destination, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        // Twice the wanted number is read, because some may be locked by another claimer and skipped.
        return ClaimAsync(owner, $"""
            WITH waiting AS (
                SELECT d.patient_key, MIN(d.queued_at) AS first_queued FROM delivery d
                LEFT JOIN patient_lease l ON l.patient_key = d.patient_key
                WHERE d.destination = @d AND d.status = 'pending' AND {LeaseFree}
                GROUP BY d.patient_key ORDER BY MIN(d.queued_at), d.patient_key LIMIT @n * 2
            ),
            locked AS (
                SELECT p.patient_key, p.generation, w.first_queued FROM patient p JOIN waiting w ON w.patient_key = p.patient_key
                ORDER BY w.first_queued, p.patient_key LIMIT @n
                FOR UPDATE OF p SKIP LOCKED
            ),
            candidates AS (
                SELECT patient_key, generation, row_number() OVER (ORDER BY first_queued, patient_key) AS rank FROM locked
            ),
            {TakeLeases}
            """, cancellationToken, ("@d", destination), ("@n", max));
    }

    public async Task<PatientLease?> TryClaimPatientAsync(string owner, string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        var claimed = await ClaimAsync(owner, $"""
            WITH candidates AS (
                SELECT @k::text AS patient_key, COALESCE((SELECT generation FROM patient WHERE patient_key = @k::text), 0) AS generation, 1 AS rank
            ),
            {TakeLeases}
            """, cancellationToken, ("@k", patientKey));
        return claimed.SingleOrDefault();
    }

    private Task<IReadOnlyList<PatientLease>> ClaimAsync(string owner, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        WriteAsync<IReadOnlyList<PatientLease>>(async (connection, transaction) =>
        {
            var now = Now();
            var expires = now + _leaseDuration;
            return await connection.QueryAsync(transaction, sql,
                r => new PatientLease(r.GetString(0), owner, r.Time(1), r.GetInt64(2)), cancellationToken,
                [.. parameters, ("@now", now), ("@exp", expires), ("@o", owner)]);
        }, cancellationToken);

    public Task<IReadOnlyList<PatientLease>> RenewAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(patientKeys);
        return WriteAsync<IReadOnlyList<PatientLease>>(async (connection, transaction) =>
        {
            // An expired lease nobody took over is still this owner's: nobody else can have written meanwhile.
            return await connection.QueryAsync(transaction, """
                WITH mine AS (
                    SELECT patient_key FROM patient_lease WHERE owner = @o AND patient_key = ANY(@keys) ORDER BY patient_key FOR UPDATE
                ),
                renewed AS (
                    UPDATE patient_lease l SET expires_at = @exp FROM mine WHERE l.patient_key = mine.patient_key RETURNING l.patient_key, l.expires_at
                )
                SELECT r.patient_key, r.expires_at, COALESCE(p.generation, 0) FROM renewed r LEFT JOIN patient p ON p.patient_key = r.patient_key
                ORDER BY r.patient_key
                """, r => new PatientLease(r.GetString(0), owner, r.Time(1), r.GetInt64(2)),
                cancellationToken, ("@exp", Now() + _leaseDuration), ("@o", owner), ("@keys", patientKeys.ToArray()));
        }, cancellationToken);
    }

    public Task ReleaseAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(patientKeys);
        return WriteAsync((connection, transaction) => connection.ExecAsync(transaction, """
            WITH mine AS (SELECT patient_key FROM patient_lease WHERE owner = @o AND patient_key = ANY(@keys) ORDER BY patient_key FOR UPDATE)
            DELETE FROM patient_lease l USING mine WHERE l.patient_key = mine.patient_key
            """,
            cancellationToken, ("@o", owner), ("@keys", patientKeys.ToArray())), cancellationToken);
    }

    public Task<bool> TryClaimTickAsync(string name, DateTimeOffset tick, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync(async (connection, transaction) =>
        {
            var at = PostgresValues.Time(tick);
            // Only a later tick moves the row on, so each tick has exactly one owner, whoever asked first. A second
            // asker waits on the first one's row lock and then sees its committed row.
            await connection.ExecAsync(transaction, """
                INSERT INTO tick_lease (name, tick_at, owner, claimed_at) VALUES (@n, @t, @o, @now)
                ON CONFLICT (name) DO UPDATE SET tick_at = EXCLUDED.tick_at, owner = EXCLUDED.owner, claimed_at = EXCLUDED.claimed_at
                WHERE tick_lease.tick_at < EXCLUDED.tick_at
                """, cancellationToken, ("@n", name), ("@t", at), ("@o", owner), ("@now", Now()));
            return (bool)(await connection.ScalarAsync(transaction, "SELECT tick_at = @t AND owner = @o FROM tick_lease WHERE name = @n",
                cancellationToken, ("@n", name), ("@t", at), ("@o", owner)))!;
        }, cancellationToken);
    }

    /// <summary>Refuses the unit if <paramref name="owner"/> is named and does not hold the lease; locks the lease row so it cannot be taken over before the unit commits.</summary>
    private async Task CheckLeaseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string patientKey, string? owner, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            return;
        }

        var holder = await connection.ScalarAsync(transaction, "SELECT owner FROM patient_lease WHERE patient_key = @k FOR SHARE", cancellationToken, ("@k", patientKey));
        if (!string.Equals(holder as string, owner, StringComparison.Ordinal))
        {
            Log.LeaseLost(_logger, patientKey, owner);
            throw new LeaseLostException(patientKey, owner);
        }
    }
}
