using System.Security.Cryptography;
using System.Text;
using FhirAdapter.Core.Export;
using FhirAdapter.Store.Quarantine;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

internal sealed partial class PostgresAdapterStore
{
    private const string QuarantineSelect = """
        SELECT id, source_file, source_line, source_row, source_index, record_id, field, reason, raw_text, quarantined_at, last_seen_at, retry_count, last_retried_at
        FROM quarantine
        """;

    private static async Task<long> QuarantineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, QuarantineEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // The same record rejected for the same reason (the file was read again) stays one entry; the key is SQLite's.
        var dedupe = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f',
            entry.Source.File, entry.Source.Line, entry.Source.Row, entry.Source.Index, entry.RecordId, entry.Field, entry.Reason, entry.RawText))));
        return (long)(await connection.ScalarAsync(transaction, """
            INSERT INTO quarantine (source_file, source_line, source_row, source_index, record_id, field, reason, raw_text, dedupe_key, quarantined_at, last_seen_at, retry_count)
            VALUES (@f, @l, @r, @i, @rid, @field, @reason, @raw, @key, @now, @now, 0)
            ON CONFLICT (dedupe_key) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
            RETURNING id
            """, cancellationToken,
            ("@f", entry.Source.File), ("@l", entry.Source.Line), ("@r", entry.Source.Row), ("@i", entry.Source.Index), ("@rid", entry.RecordId),
            ("@field", entry.Field), ("@reason", entry.Reason), ("@raw", entry.RawText), ("@key", dedupe), ("@now", now)))!;
    }

    public async Task<IReadOnlyList<QuarantinedRecord>> ListQuarantineAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, $"{QuarantineSelect} ORDER BY id LIMIT @n", ReadQuarantined, cancellationToken, ("@n", limit));
    }

    public async Task<QuarantinedRecord?> GetQuarantinedAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return (await connection.QueryAsync(null, $"{QuarantineSelect} WHERE id = @id", ReadQuarantined, cancellationToken, ("@id", id))).SingleOrDefault();
    }

    public Task<bool> MarkRetriedAsync(long id, string? newField, string? newReason, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) => await connection.ExecAsync(transaction, """
            UPDATE quarantine SET retry_count = retry_count + 1, last_retried_at = @now,
                field = COALESCE(@field::text, field), reason = COALESCE(@reason::text, reason)
            WHERE id = @id
            """, cancellationToken, ("@now", Now()), ("@field", newField), ("@reason", newReason), ("@id", id)) == 1, cancellationToken);

    public Task<bool> DeleteQuarantinedAsync(long id, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
            await connection.ExecAsync(transaction, "DELETE FROM quarantine WHERE id = @id", cancellationToken, ("@id", id)) == 1, cancellationToken);

    public async Task<long> CountQuarantineAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return (long)(await connection.ScalarAsync(null, "SELECT COUNT(*) FROM quarantine", cancellationToken))!;
    }

    private static QuarantinedRecord ReadQuarantined(NpgsqlDataReader r) => new(
        r.GetInt64(0),
        new SourceLocation(r.GetString(1), r.NullableInt(2), r.NullableInt(3), r.NullableInt(4)),
        r.NullableString(5), r.GetString(6), r.GetString(7), r.NullableString(8),
        r.Time(9), r.Time(10), r.GetInt32(11), r.NullableTime(12));
}
