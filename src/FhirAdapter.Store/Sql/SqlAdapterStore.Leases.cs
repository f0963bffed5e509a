using FhirAdapter.Store.Leases;

namespace FhirAdapter.Store.Sql;

internal sealed partial class SqlAdapterStore
{
    // A lease is free when there is none, it has expired, or the asker holds it already.
    private const string LeaseFree = "(l.patient_key IS NULL OR l.expires_at <= @now OR l.owner = @o)";

    // Patients whose row another unit holds (claiming, mapping, delivering) are passed over, so concurrent claimers take disjoint sets without waiting.
    private readonly string _dirtyCandidatesSql = $"""
        SELECT p.patient_key, p.generation FROM patient p LEFT JOIN patient_lease l ON l.patient_key = p.patient_key
        WHERE p.dirty_since IS NOT NULL AND {LeaseFree} ORDER BY p.dirty_since, p.patient_key LIMIT @n{dialect.ForUpdateSkipLocked("p")}
        """;

    // A patient's queue sequence at the destination is its lease's generation (passed back when its delivery is recorded).
    // The queue row is locked too: a delivery recorded (and its lease released) after this statement's snapshot changes
    // only that row, and locking it is what makes PostgreSQL read it again, so a patient just delivered is not taken twice.
    private readonly string _pendingCandidatesSql = $"""
        SELECT p.patient_key, w.queue_seq FROM destination_patient w JOIN patient p ON p.patient_key = w.patient_key
        LEFT JOIN patient_lease l ON l.patient_key = w.patient_key
        WHERE w.destination = @d AND w.pending_since IS NOT NULL AND {LeaseFree}
        ORDER BY w.pending_since, w.patient_key LIMIT @n{dialect.ForUpdateSkipLocked("p, w")}
        """;

    // The WHERE on the conflict is evaluated against the latest committed lease row, so a candidate read a moment ago
    // is only taken if still free: that, not the row locks, makes a claim exclusive. RETURNING lists what this call
    // got. Lease rows are written in key order, as renewals and releases lock them, so those never deadlock with a
    // claim. (WHERE true: SQLite's parser needs a WHERE before ON CONFLICT.)
    private readonly string _takeLeasesSql = $"""
        INSERT INTO patient_lease (patient_key, owner, expires_at, claimed_at) SELECT k.value, @o, @exp, @now FROM ({dialect.InList("@keys")}) k WHERE true ORDER BY k.value
        ON CONFLICT (patient_key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
            claimed_at = CASE WHEN patient_lease.owner = excluded.owner THEN patient_lease.claimed_at ELSE excluded.claimed_at END
        WHERE patient_lease.owner = excluded.owner OR patient_lease.expires_at <= @now
        RETURNING patient_key, expires_at
        """;

    private readonly string _leaseOwnerSql = $"SELECT owner FROM patient_lease WHERE patient_key = @k{dialect.ForShare}";

    private readonly string _ownLeases = $"FROM patient_lease WHERE owner = @o AND patient_key IN ({dialect.InList("@keys")})";

    public Task<IReadOnlyList<PatientLease>> ClaimDirtyPatientsAsync(string owner, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return ClaimAsync(owner, (session, now) => session.QueryAsync(_dirtyCandidatesSql, r => (r.GetString(0), r.GetInt64(1)), cancellationToken,
            ("@n", max), ("@now", now), ("@o", owner)), cancellationToken);
    }

    public Task<IReadOnlyList<PatientLease>> ClaimPendingPatientsAsync(string owner, string destination, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return ClaimAsync(owner, (session, now) => session.QueryAsync(_pendingCandidatesSql, r => (r.GetString(0), r.GetInt64(1)), cancellationToken,
            ("@d", destination), ("@n", max), ("@now", now), ("@o", owner)), cancellationToken);
    }

    public async Task<PatientLease?> TryClaimPatientAsync(string owner, string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return (await ClaimAsync(owner, (session, _) => session.QueryAsync("SELECT @k, COALESCE((SELECT generation FROM patient WHERE patient_key = @k), 0)",
            r => (r.GetString(0), r.GetInt64(1)), cancellationToken, ("@k", patientKey)), cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>Leases those of the candidates (key and generation, in the order to return them) that are still free.</summary>
    private Task<IReadOnlyList<PatientLease>> ClaimAsync(string owner, Func<SqlSession, DateTimeOffset, Task<List<(string Key, long Generation)>>> candidates, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<PatientLease>>(async session =>
        {
            var now = Now();
            var chosen = await candidates(session, now).ConfigureAwait(false);
            var taken = chosen.Count == 0 ? [] : (await session.QueryAsync(_takeLeasesSql, r => (Key: r.GetString(0), ExpiresAt: Time(r, 1)), cancellationToken,
                ("@keys", chosen.Select(c => c.Key).ToArray()), ("@o", owner), ("@exp", now + options.LeaseDuration), ("@now", now)).ConfigureAwait(false)).ToDictionary(StringComparer.Ordinal);
            return [.. chosen.Where(c => taken.ContainsKey(c.Key)).Select(c => new PatientLease(c.Key, owner, taken[c.Key], c.Generation))];
        }, cancellationToken);

    public Task<IReadOnlyList<PatientLease>> RenewAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(patientKeys);
        var keys = patientKeys.ToArray();
        return WriteAsync<IReadOnlyList<PatientLease>>(async session =>
        {
            // An expired lease nobody took over is still this owner's: nobody else can have written meanwhile.
            await LockOwnLeasesAsync(session, owner, keys, cancellationToken).ConfigureAwait(false);
            await session.ExecAsync($"UPDATE patient_lease SET expires_at = @exp WHERE patient_key IN (SELECT patient_key {_ownLeases})", cancellationToken,
                ("@exp", Now() + options.LeaseDuration), ("@o", owner), ("@keys", keys)).ConfigureAwait(false);
            return await session.QueryAsync($"""
                SELECT l.patient_key, l.expires_at, COALESCE(p.generation, 0) FROM patient_lease l LEFT JOIN patient p ON p.patient_key = l.patient_key
                WHERE l.patient_key IN (SELECT patient_key {_ownLeases}) ORDER BY l.patient_key
                """,
                r => new PatientLease(r.GetString(0), owner, Time(r, 1), r.GetInt64(2)), cancellationToken, ("@o", owner), ("@keys", keys)).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task ReleaseAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(patientKeys);
        var keys = patientKeys.ToArray();
        return WriteAsync(async session =>
        {
            await LockOwnLeasesAsync(session, owner, keys, cancellationToken).ConfigureAwait(false);
            return await session.ExecAsync($"DELETE {_ownLeases}", cancellationToken, ("@o", owner), ("@keys", keys)).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Where units run side by side, the owner's lease rows are locked in key order first, as claims write them.</summary>
    private async Task LockOwnLeasesAsync(SqlSession session, string owner, string[] keys, CancellationToken cancellationToken)
    {
        if (dialect.LocksRows)
        {
            await session.QueryAsync($"SELECT patient_key {_ownLeases} ORDER BY patient_key{dialect.ForUpdate}", r => r.GetString(0), cancellationToken, ("@o", owner), ("@keys", keys)).ConfigureAwait(false);
        }
    }

    public Task<bool> TryClaimTickAsync(string name, DateTimeOffset tick, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync(async session =>
        {
            // Only a later tick moves the row on, so each tick has exactly one owner, whoever asked first; a second asker
            // waits for the first one's write and then sees its committed row.
            await session.ExecAsync("""
                INSERT INTO tick_lease (name, tick_at, owner, claimed_at) VALUES (@n, @t, @o, @now)
                ON CONFLICT (name) DO UPDATE SET tick_at = excluded.tick_at, owner = excluded.owner, claimed_at = excluded.claimed_at WHERE tick_lease.tick_at < excluded.tick_at
                """, cancellationToken, ("@n", name), ("@t", tick), ("@o", owner), ("@now", Now())).ConfigureAwait(false);
            return owner.Equals(await session.ScalarAsync("SELECT owner FROM tick_lease WHERE name = @n AND tick_at = @t", cancellationToken, ("@n", name), ("@t", tick)).ConfigureAwait(false));
        }, cancellationToken);
    }

    /// <summary>Refuses the unit if <paramref name="owner"/> is named and does not hold the lease; where units run side by side, the lease row is locked until the unit commits.</summary>
    private async Task CheckLeaseAsync(SqlSession session, string patientKey, string? owner, CancellationToken cancellationToken)
    {
        if (owner is not null && !owner.Equals(await session.ScalarAsync(_leaseOwnerSql, cancellationToken, ("@k", patientKey)).ConfigureAwait(false)))
        {
            Log.LeaseLost(logger, patientKey, owner);
            throw new LeaseLostException(patientKey, owner);
        }
    }
}
