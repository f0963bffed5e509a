using System.Data.Common;
using FhirAdapter.Core.Reading;
using FhirAdapter.Store.Quarantine;

namespace FhirAdapter.Store.Sql;

internal sealed partial class SqlAdapterStore
{
    private const string QuarantineSelect =
        "SELECT id, source_file, source_line, source_row, source_index, record_id, field, reason, raw_text, quarantined_at, last_seen_at, retry_count, last_retried_at FROM quarantine";

    private static async Task<long> QuarantineAsync(SqlSession session, QuarantineEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // The same record rejected for the same reason (the file was read again) stays one entry.
        var dedupe = Hash(string.Join('\u001f', entry.Source.File, entry.Source.Line, entry.Source.Row, entry.Source.Index, entry.RecordId, entry.Field, entry.Reason, entry.RawText));
        return (long)(await session.ScalarAsync("""
            INSERT INTO quarantine (source_file, source_line, source_row, source_index, record_id, field, reason, raw_text, dedupe_key, quarantined_at, last_seen_at, retry_count)
            VALUES (@f, @l, @r, @i, @rid, @field, @reason, @raw, @key, @now, @now, 0)
            ON CONFLICT (dedupe_key) DO UPDATE SET last_seen_at = excluded.last_seen_at
            RETURNING id
            """, cancellationToken, ("@f", entry.Source.File), ("@l", entry.Source.Line), ("@r", entry.Source.Row), ("@i", entry.Source.Index), ("@rid", entry.RecordId),
            ("@field", entry.Field), ("@reason", entry.Reason), ("@raw", entry.RawText), ("@key", dedupe), ("@now", now)))!;
    }

    public async Task<IReadOnlyList<QuarantinedRecord>> ListQuarantineAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await QueryAsync($"{QuarantineSelect} ORDER BY id LIMIT @n", ReadQuarantined, cancellationToken, ("@n", limit));
    }

    public async Task<QuarantinedRecord?> GetQuarantinedAsync(long id, CancellationToken cancellationToken) =>
        (await QueryAsync($"{QuarantineSelect} WHERE id = @id", ReadQuarantined, cancellationToken, ("@id", id))).SingleOrDefault();

    public Task<bool> MarkRetriedAsync(long id, string? newField, string? newReason, CancellationToken cancellationToken) => WriteAsync(async session => await session.ExecAsync("""
        UPDATE quarantine SET retry_count = retry_count + 1, last_retried_at = @now, field = COALESCE(CAST(@field AS TEXT), field), reason = COALESCE(CAST(@reason AS TEXT), reason)
        WHERE id = @id
        """, cancellationToken, ("@now", Now()), ("@field", newField), ("@reason", newReason), ("@id", id)) == 1, cancellationToken);

    public Task<bool> DeleteQuarantinedAsync(long id, CancellationToken cancellationToken) =>
        WriteAsync(async session => await session.ExecAsync("DELETE FROM quarantine WHERE id = @id", cancellationToken, ("@id", id)) == 1, cancellationToken);

    public async Task<long> CountQuarantineAsync(CancellationToken cancellationToken) => (await QueryAsync("SELECT COUNT(*) FROM quarantine", r => r.GetInt64(0), cancellationToken))[0];

    private QuarantinedRecord ReadQuarantined(DbDataReader r) => new(r.GetInt64(0), new SourceLocation(r.GetString(1), r.NullableInt(2), r.NullableInt(3), r.NullableInt(4)),
        r.NullableString(5), r.GetString(6), r.GetString(7), r.NullableString(8), Time(r, 9), Time(r, 10), r.GetInt32(11), NullableTime(r, 12));
}
