using System.Text;
using System.Text.Json;
using FhirAdapter.Store.Disclosures;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Store.Sqlite;

internal sealed partial class SqliteAdapterStore
{
    public Task RecordDisclosureAsync(Disclosure disclosure, CancellationToken cancellationToken)
    {
        ValidateDisclosure(disclosure);
        return WriteAsync(async (connection, transaction) =>
        {
            await InsertDisclosureAsync(connection, transaction, disclosure, Now(), cancellationToken);
            return 0;
        }, cancellationToken);
    }

    private static void ValidateDisclosure(Disclosure disclosure)
    {
        ArgumentNullException.ThrowIfNull(disclosure);
        ArgumentException.ThrowIfNullOrEmpty(disclosure.Id);
        ArgumentException.ThrowIfNullOrEmpty(disclosure.PatientKey);
        ArgumentException.ThrowIfNullOrEmpty(disclosure.OrganizationId);
        ArgumentException.ThrowIfNullOrEmpty(disclosure.Purpose);
        ArgumentNullException.ThrowIfNull(disclosure.ResourceIds);
        ArgumentException.ThrowIfNullOrEmpty(disclosure.AuditEventJson);
    }

    private static Task<int> InsertDisclosureAsync(SqliteConnection connection, SqliteTransaction transaction, Disclosure d, string now, CancellationToken cancellationToken) =>
        // An accounting entry is never rewritten: a second report of the same disclosure keeps the first.
        connection.ExecAsync(transaction, """
            INSERT INTO disclosure (id, patient_key, organization_id, purpose, consent_record_id, channel, disclosed_at, resource_ids, audit_event_json, recorded_at)
            VALUES ($id, $p, $o, $purpose, $c, $ch, $at, $res, $audit, $now)
            ON CONFLICT (id) DO NOTHING
            """, cancellationToken,
            ("$id", d.Id), ("$p", d.PatientKey), ("$o", d.OrganizationId), ("$purpose", d.Purpose), ("$c", d.ConsentRecordId),
            ("$ch", SqliteValues.Code(d.Channel)), ("$at", SqliteValues.Time(d.DisclosedAt)), ("$res", JsonSerializer.Serialize(d.ResourceIds)),
            ("$audit", d.AuditEventJson), ("$now", now));

    public async Task<IReadOnlyList<Disclosure>> GetDisclosuresAsync(string patientKey, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, $"""
            {DisclosureSelect}
            FROM disclosure WHERE patient_key = $p AND ($s IS NULL OR disclosed_at >= $s) ORDER BY disclosed_at, id
            """,
            ReadDisclosure, cancellationToken, ("$p", patientKey), ("$s", since is { } s ? SqliteValues.Time(s) : null));
    }

    public async Task<IReadOnlyList<Disclosure>> SearchDisclosuresAsync(DisclosureSearch search, CancellationToken cancellationToken)
    {
        ValidateSearch(search);
        var sql = new StringBuilder($"{DisclosureSelect} FROM disclosure WHERE organization_id = $o");
        var parameters = new List<(string, object?)> { ("$o", search.OrganizationId), ("$n", search.Limit) };

        // Only the conditions actually set, so the query can use ix_disclosure_organization (migration 0003).
        void Where(string condition, string name, object? value)
        {
            if (value is not null)
            {
                sql.Append(" AND ").Append(condition);
                parameters.Add((name, value));
            }
        }

        Where("patient_key = $p", "$p", search.PatientKey);
        Where("id = $id", "$id", search.Id);
        Where("disclosed_at >= $from", "$from", search.From is { } from ? SqliteValues.Time(from) : null);
        Where("disclosed_at < $before", "$before", search.Before is { } before ? SqliteValues.Time(before) : null);
        // The cursor row must be the organization's own: another's id starts no page.
        Where("(disclosed_at, id) > (SELECT c.disclosed_at, c.id FROM disclosure c WHERE c.id = $after AND c.organization_id = $o)", "$after", search.After);
        sql.Append(" ORDER BY disclosed_at, id LIMIT $n");
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, sql.ToString(), ReadDisclosure, cancellationToken, [.. parameters]);
    }

    internal static void ValidateSearch(DisclosureSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentException.ThrowIfNullOrEmpty(search.OrganizationId);
        ArgumentOutOfRangeException.ThrowIfLessThan(search.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.Limit, 10_000);
    }

    private const string DisclosureSelect = "SELECT id, patient_key, organization_id, purpose, consent_record_id, channel, disclosed_at, resource_ids, audit_event_json";

    private static Disclosure ReadDisclosure(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableString(4), SqliteValues.ParseChannel(r.GetString(5)),
            SqliteValues.ParseTime(r.GetString(6)), JsonSerializer.Deserialize<List<string>>(r.GetString(7)) ?? [], r.GetString(8));
}
