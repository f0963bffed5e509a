using System.Data.Common;
using FhirAdapter.Store.Api;

namespace FhirAdapter.Store.Sql;

/// <summary>The pull API's shared state (<see cref="IApiStateStore"/>, migration 0006): tokens, used assertion ids, export jobs, served versions.</summary>
internal sealed partial class SqlAdapterStore
{
    private const string ExportJobColumns = """
        id, client_id, state, request_json, transaction_time, created_at, owner, lease_until, attempt, patients_exported, files_json, error, expires_at, disclosures_recorded
        """;

    private readonly string _claimExportJobSql = $"""
        UPDATE api_export_job SET state = 'running', owner = @o, lease_until = @until, attempt = attempt + 1, patients_exported = 0, files_json = NULL, error = NULL
        WHERE id = (SELECT j.id FROM api_export_job j WHERE j.state = 'queued' OR (j.state = 'running' AND j.lease_until <= @now)
                    ORDER BY j.created_at, j.id LIMIT 1{dialect.ForUpdateSkipLocked("j")})
        RETURNING {ExportJobColumns}
        """;

    public Task SaveAccessTokenAsync(ApiAccessToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrEmpty(token.TokenHash);
        ArgumentException.ThrowIfNullOrEmpty(token.ClientId);
        return WriteAsync(session => session.ExecAsync(
            "INSERT INTO api_access_token (token_hash, client_id, scopes, issued_at, expires_at) VALUES (@h, @c, @s, @i, @e)", cancellationToken,
            ("@h", token.TokenHash), ("@c", token.ClientId), ("@s", token.Scopes), ("@i", token.IssuedAt), ("@e", token.ExpiresAt)), cancellationToken);
    }

    public async Task<ApiAccessToken?> FindAccessTokenAsync(string tokenHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenHash);
        return (await QueryAsync("SELECT token_hash, client_id, scopes, issued_at, expires_at FROM api_access_token WHERE token_hash = @h AND expires_at > @now",
            r => new ApiAccessToken(r.GetString(0), r.GetString(1), r.GetString(2), Time(r, 3), Time(r, 4)), cancellationToken,
            ("@h", tokenHash), ("@now", Now())).ConfigureAwait(false)).SingleOrDefault();
    }

    // A jti kept past its assertion's expiry may be used again: that assertion would be refused as expired anyway.
    public async Task<bool> TryUseAssertionIdAsync(string clientId, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(jti);
        return await WriteAsync(session => session.ExecAsync("""
            INSERT INTO api_assertion_id (client_id, jti, keep_until) VALUES (@c, @j, @k)
            ON CONFLICT (client_id, jti) DO UPDATE SET keep_until = excluded.keep_until WHERE api_assertion_id.keep_until < @now
            """, cancellationToken, ("@c", clientId), ("@j", jti), ("@k", keepUntil), ("@now", Now())), cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task<int> DeleteExpiredAuthStateAsync(CancellationToken cancellationToken) => WriteAsync(async session =>
    {
        var now = Now();
        return await session.ExecAsync("DELETE FROM api_access_token WHERE expires_at <= @now", cancellationToken, ("@now", now)).ConfigureAwait(false)
            + await session.ExecAsync("DELETE FROM api_assertion_id WHERE keep_until < @now", cancellationToken, ("@now", now)).ConfigureAwait(false);
    }, cancellationToken);

    public Task<bool> AddExportJobAsync(ApiExportJob job, int maxActivePerClient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(job.Id);
        ArgumentException.ThrowIfNullOrEmpty(job.ClientId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActivePerClient, 1);
        return WriteAsync(async session =>
        {
            // Counted and added under one lock, so two instances cannot both add a client's last allowed export.
            await dialect.LockAsync(session, StoreLock.ExportJobs, cancellationToken).ConfigureAwait(false);
            var active = Convert.ToInt64(await session.ScalarAsync("SELECT COUNT(*) FROM api_export_job WHERE client_id = @c AND state IN ('queued', 'running')",
                cancellationToken, ("@c", job.ClientId)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (active >= maxActivePerClient)
            {
                return false;
            }

            await session.ExecAsync($"""
                INSERT INTO api_export_job ({ExportJobColumns})
                VALUES (@id, @c, @state, @req, @tt, @now, NULL, NULL, 0, 0, NULL, NULL, NULL, @d)
                """, cancellationToken, ("@id", job.Id), ("@c", job.ClientId), ("@state", StoreValues.Code(ApiExportState.Queued)), ("@req", job.RequestJson),
                ("@tt", job.TransactionTime), ("@now", Now()), ("@d", false)).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task<ApiExportJob?> FindExportJobAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return (await QueryAsync($"SELECT {ExportJobColumns} FROM api_export_job WHERE id = @id", ReadExportJob, cancellationToken, ("@id", id)).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<ApiExportJob?> ClaimExportJobAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        // Idle runners ask every few seconds: a plain read first, so that asking takes no write lock (SQLite's is the whole file).
        if ((await QueryAsync("SELECT 1 FROM api_export_job WHERE state = 'queued' OR (state = 'running' AND lease_until <= @now) LIMIT 1", r => 1, cancellationToken,
            ("@now", Now())).ConfigureAwait(false)).Count == 0)
        {
            return null;
        }

        return await WriteAsync(async session =>
        {
            var now = Now();
            return (await session.QueryAsync(_claimExportJobSql, ReadExportJob, cancellationToken, ("@o", owner), ("@until", now + options.LeaseDuration), ("@now", now)).ConfigureAwait(false)).SingleOrDefault();
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> UpdateExportJobAsync(ApiExportJob job, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return await WriteAsync(session =>
        {
            var now = Now();
            var done = !job.IsActive;
            return session.ExecAsync("""
                UPDATE api_export_job SET state = @state, patients_exported = @n, files_json = @files, error = @error, expires_at = @exp,
                    owner = @newOwner, lease_until = @until
                WHERE id = @id AND owner = @o AND attempt = @a
                """, cancellationToken, ("@state", StoreValues.Code(job.State)), ("@n", job.PatientsExported), ("@files", job.FilesJson), ("@error", job.Error),
                ("@exp", job.ExpiresAt), ("@newOwner", done ? null : owner), ("@until", done ? null : now + options.LeaseDuration),
                ("@id", job.Id), ("@o", owner), ("@a", job.Attempt));
        }, cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task ReleaseExportJobAsync(string id, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync(session => session.ExecAsync(
            "UPDATE api_export_job SET state = 'queued', owner = NULL, lease_until = NULL WHERE id = @id AND owner = @o AND state = 'running'",
            cancellationToken, ("@id", id), ("@o", owner)), cancellationToken);
    }

    public Task MarkExportDisclosedAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return WriteAsync(session => session.ExecAsync("UPDATE api_export_job SET disclosures_recorded = @d WHERE id = @id", cancellationToken, ("@d", true), ("@id", id)),
            cancellationToken);
    }

    public async Task<bool> DeleteExportJobAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return await WriteAsync(session => session.ExecAsync("DELETE FROM api_export_job WHERE id = @id", cancellationToken, ("@id", id)), cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<ApiExportJob>> GetExpiredExportJobsAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {ExportJobColumns} FROM api_export_job WHERE expires_at <= @now ORDER BY expires_at, id", ReadExportJob, cancellationToken, ("@now", Now())).ConfigureAwait(false);

    private ApiExportJob ReadExportJob(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), StoreValues.Parse<ApiExportState>(r.GetString(2)), r.GetString(3), Time(r, 4), Time(r, 5), r.NullableString(6),
        NullableTime(r, 7), r.GetInt32(8), r.GetInt32(9), r.NullableString(10), r.NullableString(11), NullableTime(r, 12), r.GetBoolean(13));

    public async Task<IReadOnlyList<ServedVersion>> TrackServedVersionsAsync(string patientKey, IReadOnlyList<ServedState> resources, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        ArgumentNullException.ThrowIfNull(resources);
        const string select = "SELECT resource_type, logical_id, version, changed_at, served_hash FROM api_served_version WHERE patient_key = @p";
        var known = (await QueryAsync(select, r => (Version: new ServedVersion(r.GetString(0), r.GetString(1), r.GetInt32(2), Time(r, 3)), Hash: r.GetString(4)),
            cancellationToken, ("@p", patientKey)).ConfigureAwait(false)).ToDictionary(v => (v.Version.ResourceType, v.Version.LogicalId));
        var changed = resources.Where(s => !known.TryGetValue((s.ResourceType, s.LogicalId), out var k) || k.Hash != s.ServedHash).ToList();
        if (changed.Count > 0)
        {
            // Only what changed is written; the WHERE makes a concurrent writer of the same change a no-op, so a change counts once.
            known = await WriteAsync(async session =>
            {
                var now = Now();
                foreach (var s in changed)
                {
                    await session.ExecAsync("""
                        INSERT INTO api_served_version (patient_key, resource_type, logical_id, served_hash, version, changed_at) VALUES (@p, @t, @id, @h, 1, @c)
                        ON CONFLICT (patient_key, resource_type, logical_id) DO UPDATE SET served_hash = excluded.served_hash, version = api_served_version.version + 1,
                            changed_at = CASE WHEN excluded.changed_at > api_served_version.changed_at THEN excluded.changed_at ELSE @now END
                        WHERE api_served_version.served_hash <> excluded.served_hash
                        """, cancellationToken, ("@p", patientKey), ("@t", s.ResourceType), ("@id", s.LogicalId), ("@h", s.ServedHash), ("@c", s.ContentChangedAt), ("@now", now)).ConfigureAwait(false);
                }

                return (await session.QueryAsync(select, r => (Version: new ServedVersion(r.GetString(0), r.GetString(1), r.GetInt32(2), Time(r, 3)), Hash: r.GetString(4)),
                    cancellationToken, ("@p", patientKey)).ConfigureAwait(false)).ToDictionary(v => (v.Version.ResourceType, v.Version.LogicalId));
            }, cancellationToken).ConfigureAwait(false);
        }

        return [.. resources.Select(s => known[(s.ResourceType, s.LogicalId)].Version)];
    }
}
