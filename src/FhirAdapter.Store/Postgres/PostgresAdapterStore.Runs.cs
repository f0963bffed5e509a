using FhirAdapter.Store.Runs;
using FhirAdapter.Store.Sqlite;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

internal sealed partial class PostgresAdapterStore
{
    private const string RunSelect = """
        SELECT id, owner, started_at, finished_at, outcome, records_read, records_mapped, records_delivered, records_rejected FROM sync_run
        """;

    public Task<SyncRun> StartSyncRunAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            var id = (long)(await connection.ScalarAsync(transaction, """
                INSERT INTO sync_run (owner, started_at, records_read, records_mapped, records_delivered, records_rejected)
                VALUES (@o, @t, 0, 0, 0, 0) RETURNING id
                """, cancellationToken, ("@o", owner), ("@t", now)))!;
            return new SyncRun(id, owner, now, null, null, SyncRunCounts.None);
        }, cancellationToken);
    }

    public Task FinishSyncRunAsync(long id, SyncRunOutcome outcome, SyncRunCounts counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecAsync(transaction, """
                UPDATE sync_run SET finished_at = @t, outcome = @o, records_read = @r, records_mapped = @m, records_delivered = @d, records_rejected = @x
                WHERE id = @id
                """, cancellationToken, ("@t", Now()), ("@o", SqliteValues.Code(outcome)), ("@r", counts.RecordsRead), ("@m", counts.RecordsMapped),
                ("@d", counts.RecordsDelivered), ("@x", counts.RecordsRejected), ("@id", id));
            return changed == 1 ? changed : throw new ArgumentException($"No sync run {id}", nameof(id));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<SyncRun>> GetRecentSyncRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, $"{RunSelect} ORDER BY id DESC LIMIT @n", ReadRun, cancellationToken, ("@n", limit));
    }

    private static SyncRun ReadRun(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.Time(2), r.NullableTime(3),
        r.IsDBNull(4) ? null : SqliteValues.ParseRunOutcome(r.GetString(4)),
        new SyncRunCounts(r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8)));
}
