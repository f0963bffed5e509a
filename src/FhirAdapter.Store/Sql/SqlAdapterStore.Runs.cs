using System.Data.Common;
using FhirAdapter.Store.Runs;

namespace FhirAdapter.Store.Sql;

internal sealed partial class SqlAdapterStore
{
    private const string RunSelect = "SELECT id, owner, started_at, finished_at, outcome, records_read, records_mapped, records_delivered, records_rejected FROM sync_run";

    private readonly string _summarySql = $"""
        SELECT (SELECT COUNT(*) FROM record_version WHERE is_current = {dialect.True}), (SELECT COUNT(*) FROM patient WHERE dirty_since IS NOT NULL),
               (SELECT COUNT(*) FROM held_record), (SELECT COUNT(*) FROM held_record WHERE held_since < @t), (SELECT COUNT(*) FROM quarantine)
        """;

    public Task<SyncRun> StartSyncRunAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync(async session =>
        {
            var now = Now();
            var id = (long)(await session.ScalarAsync("""
                INSERT INTO sync_run (owner, started_at, records_read, records_mapped, records_delivered, records_rejected) VALUES (@o, @t, 0, 0, 0, 0) RETURNING id
                """, cancellationToken, ("@o", owner), ("@t", now)).ConfigureAwait(false))!;
            return new SyncRun(id, owner, now, null, null, SyncRunCounts.None);
        }, cancellationToken);
    }

    public Task FinishSyncRunAsync(long id, SyncRunOutcome outcome, SyncRunCounts counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return WriteAsync(async session => await session.ExecAsync("""
            UPDATE sync_run SET finished_at = @t, outcome = @o, records_read = @r, records_mapped = @m, records_delivered = @d, records_rejected = @x WHERE id = @id
            """, cancellationToken, ("@t", Now()), ("@o", StoreValues.Code(outcome)), ("@r", counts.RecordsRead), ("@m", counts.RecordsMapped),
            ("@d", counts.RecordsDelivered), ("@x", counts.RecordsRejected), ("@id", id)).ConfigureAwait(false) == 1 ? 1 : throw new ArgumentException($"No sync run {id}", nameof(id)), cancellationToken);
    }

    public async Task<IReadOnlyList<SyncRun>> GetRecentSyncRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await QueryAsync($"{RunSelect} ORDER BY id DESC LIMIT @n", ReadRun, cancellationToken, ("@n", limit)).ConfigureAwait(false);
    }

    public Task<StoreSummary> GetSummaryAsync(TimeSpan heldWarningAge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heldWarningAge, TimeSpan.Zero);
        return ReadAsync(async session =>
        {
            var counts = (await session.QueryAsync(_summarySql, r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), cancellationToken,
                ("@t", dialect.Ceiling(time.GetUtcNow() - heldWarningAge))).ConfigureAwait(false))[0];
            var deliveries = await session.QueryAsync(CountDeliveriesSql, ReadCounts, cancellationToken).ConfigureAwait(false);
            var last = (await session.QueryAsync($"{RunSelect} ORDER BY id DESC LIMIT 1", ReadRun, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
            return new StoreSummary(counts.Item1, counts.Item2, counts.Item3, counts.Item4, counts.Item5, deliveries, last);
        }, cancellationToken);
    }

    private SyncRun ReadRun(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), Time(r, 2), NullableTime(r, 3),
        r.IsDBNull(4) ? null : StoreValues.Parse<SyncRunOutcome>(r.GetString(4)), new SyncRunCounts(r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8)));
}
