namespace FhirAdapter.Store.Postgres;

internal sealed partial class PostgresAdapterStore
{
    public Task<StoreSummary> GetSummaryAsync(TimeSpan heldWarningAge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heldWarningAge, TimeSpan.Zero);
        return ReadAsync(async (connection, transaction) =>
        {
            var counts = (await connection.QueryAsync(transaction, """
                SELECT (SELECT COUNT(*) FROM record_version WHERE is_current),
                       (SELECT COUNT(*) FROM patient WHERE dirty_since IS NOT NULL),
                       (SELECT COUNT(*) FROM held_record),
                       (SELECT COUNT(*) FROM held_record WHERE held_since < @t),
                       (SELECT COUNT(*) FROM quarantine)
                """, r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), cancellationToken,
                ("@t", PostgresValues.Time(_time.GetUtcNow() - heldWarningAge))))[0];
            var deliveries = await CountDeliveriesAsync(connection, transaction, cancellationToken);
            var last = (await connection.QueryAsync(transaction, $"{RunSelect} ORDER BY id DESC LIMIT 1", ReadRun, cancellationToken)).SingleOrDefault();
            return new StoreSummary(counts.Item1, counts.Item2, counts.Item3, counts.Item4, counts.Item5, deliveries, last);
        }, cancellationToken);
    }
}
