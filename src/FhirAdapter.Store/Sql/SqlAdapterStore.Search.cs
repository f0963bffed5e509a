using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Search;

namespace FhirAdapter.Store.Sql;

/// <summary>
/// <see cref="IResourceQuery"/>: the SQL is built from the criteria actually set, so each query can use the indexes
/// of migration 0002 instead of a catch-all plan.
/// </summary>
internal sealed partial class SqlAdapterStore
{
    public async Task<IReadOnlyList<ResourceMatch>> SearchAsync(ResourceSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfLessThan(search.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.Limit, 10_000);
        ArgumentOutOfRangeException.ThrowIfNegative(search.After);
        if (search.CanonicalVersion is not null && search.CanonicalUrl is null)
        {
            throw new ArgumentException("A canonical version needs a canonical url", nameof(search));
        }

        var (sql, parameters) = new SqlFilter("""
            SELECT id, patient_key, resource_type, identifier, logical_id, request_url, resource_json, content_hash, is_valid, outcome_json, mapped_at
            FROM patient_resource WHERE removed_at IS NULL AND id > @after
            """, ("@after", search.After), ("@n", search.Limit))
            .Where("resource_type = @type", "@type", search.ResourceType)
            .Where("patient_key = @p", "@p", search.PatientKey)
            .Where("logical_id = @lid", "@lid", search.LogicalId)
            .Where("identifier = @ident", "@ident", search.Identifier)
            // system|value: the value is what follows the last '|' (identifier systems are URLs without '|'). A shorter
            // identifier yields itself from substr, which cannot equal the longer '|' || value.
            .Where("(identifier = @ival OR substr(identifier, length(identifier) - length(@ival)) = '|' || @ival)", "@ival", search.IdentifierValue)
            .Where($"{dialect.JsonText("resource_json", "url")} = @url", "@url", search.CanonicalUrl)
            .Where($"{dialect.JsonText("resource_json", "version")} = @ver", "@ver", search.CanonicalVersion)
            .Where("mapped_at >= @from", "@from", search.UpdatedFrom is { } from ? dialect.Ceiling(from) : null)
            .Where("mapped_at < @before", "@before", search.UpdatedBefore is { } before ? dialect.Ceiling(before) : null)
            .Then(search.IncludeInvalid ? " ORDER BY id LIMIT @n" : $" AND is_valid = {dialect.True} ORDER BY id LIMIT @n");
        return await QueryAsync(sql, r => new ResourceMatch(r.GetInt64(0), new StoredResource(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            r.GetString(6), r.GetString(7), new ResourceValidation(r.GetBoolean(8), r.NullableString(9)), Time(r, 10))), cancellationToken, parameters).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> GetPatientKeysAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return after is null
            ? await QueryAsync(_patientKeysSql, r => r.GetString(0), cancellationToken, ("@q", StoreKeys.Questionnaires), ("@n", limit)).ConfigureAwait(false)
            : await QueryAsync(_patientKeysAfterSql, r => r.GetString(0), cancellationToken, ("@q", StoreKeys.Questionnaires), ("@after", after), ("@n", limit)).ConfigureAwait(false);
    }

    private readonly string _patientKeysSql = PatientKeysSql(dialect, "");

    private readonly string _patientKeysAfterSql = PatientKeysSql(dialect, " AND patient_key > @after");

    private static string PatientKeysSql(SqlDialect d, string after) => $"""
        SELECT DISTINCT patient_key FROM patient_resource
        WHERE removed_at IS NULL AND is_valid = {d.True} AND patient_key <> @q{after}
        ORDER BY patient_key LIMIT @n
        """;
}
