using System.Data.Common;
using System.Text.Json;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Disclosures;

namespace FhirAdapter.Store.Sql;

internal sealed partial class SqlAdapterStore
{
    private const string DisclosureSelect = "SELECT id, patient_key, organization_id, purpose, consent_record_id, channel, disclosed_at, resource_ids, audit_event_json FROM disclosure";

    public Task RecordDisclosureAsync(Disclosure disclosure, CancellationToken cancellationToken)
    {
        ValidateDisclosure(disclosure);
        return WriteAsync(session => InsertDisclosureAsync(session, disclosure, Now(), cancellationToken), cancellationToken);
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

    // An accounting entry is never rewritten: a second report of the same disclosure keeps the first.
    private static Task<int> InsertDisclosureAsync(SqlSession session, Disclosure d, DateTimeOffset now, CancellationToken cancellationToken) => session.ExecAsync("""
        INSERT INTO disclosure (id, patient_key, organization_id, purpose, consent_record_id, channel, disclosed_at, resource_ids, audit_event_json, recorded_at)
        VALUES (@id, @p, @o, @purpose, @c, @ch, @at, @res, @audit, @now) ON CONFLICT (id) DO NOTHING
        """, cancellationToken, ("@id", d.Id), ("@p", d.PatientKey), ("@o", d.OrganizationId), ("@purpose", d.Purpose), ("@c", d.ConsentRecordId),
        ("@ch", StoreValues.Code(d.Channel)), ("@at", d.DisclosedAt), ("@res", JsonSerializer.Serialize(d.ResourceIds)), ("@audit", d.AuditEventJson), ("@now", now));

    public async Task<IReadOnlyList<Disclosure>> GetDisclosuresAsync(string patientKey, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return since is { } from
            ? await QueryAsync($"{DisclosureSelect} WHERE patient_key = @p AND disclosed_at >= @s ORDER BY disclosed_at, id", ReadDisclosure, cancellationToken,
                ("@p", patientKey), ("@s", dialect.Ceiling(from)))
            : await QueryAsync($"{DisclosureSelect} WHERE patient_key = @p ORDER BY disclosed_at, id", ReadDisclosure, cancellationToken, ("@p", patientKey));
    }

    public async Task<IReadOnlyList<Disclosure>> SearchDisclosuresAsync(DisclosureSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentException.ThrowIfNullOrEmpty(search.OrganizationId);
        ArgumentOutOfRangeException.ThrowIfLessThan(search.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.Limit, 10_000);
        // The cursor row must be the organization's own: another's id starts no page. Uses ix_disclosure_organization (0003).
        var (sql, parameters) = new SqlFilter($"{DisclosureSelect} WHERE organization_id = @o", ("@o", search.OrganizationId), ("@n", search.Limit))
            .Where("patient_key = @p", "@p", search.PatientKey)
            .Where("id = @id", "@id", search.Id)
            .Where("disclosed_at >= @from", "@from", search.From is { } from ? dialect.Ceiling(from) : null)
            .Where("disclosed_at < @before", "@before", search.Before is { } before ? dialect.Ceiling(before) : null)
            .Where("(disclosed_at, id) > (SELECT c.disclosed_at, c.id FROM disclosure c WHERE c.id = @after AND c.organization_id = @o)", "@after", search.After)
            .Then(" ORDER BY disclosed_at, id LIMIT @n");
        return await QueryAsync(sql, ReadDisclosure, cancellationToken, parameters);
    }

    private Disclosure ReadDisclosure(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableString(4), StoreValues.Parse<DisclosureChannel>(r.GetString(5)),
            Time(r, 6), JsonSerializer.Deserialize<List<string>>(r.GetString(7)) ?? [], r.GetString(8));
}
