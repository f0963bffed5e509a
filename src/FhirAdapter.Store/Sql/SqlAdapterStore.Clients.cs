using System.Data.Common;
using FhirAdapter.Store.Api;

namespace FhirAdapter.Store.Sql;

/// <summary>API clients registered with <c>clients add</c> (migration 0006); configuration's clients are not stored.</summary>
internal sealed partial class SqlAdapterStore
{
    private const string ClientSelect = "SELECT client_id, organization_id, purpose, scopes, jwks, jwks_url, permit_limit, registered_at FROM api_client";

    public Task SaveClientAsync(ApiClientRegistration client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(client.ClientId);
        ArgumentException.ThrowIfNullOrEmpty(client.OrganizationId);
        return WriteAsync(session => session.ExecAsync("""
            INSERT INTO api_client (client_id, organization_id, purpose, scopes, jwks, jwks_url, permit_limit, registered_at) VALUES (@c, @o, @p, @s, @j, @u, @l, @t)
            ON CONFLICT (client_id) DO UPDATE SET organization_id = excluded.organization_id, purpose = excluded.purpose, scopes = excluded.scopes,
                jwks = excluded.jwks, jwks_url = excluded.jwks_url, permit_limit = excluded.permit_limit, registered_at = excluded.registered_at
            """, cancellationToken, ("@c", client.ClientId), ("@o", client.OrganizationId), ("@p", client.Purpose), ("@s", client.Scopes), ("@j", client.Jwks),
            ("@u", client.JwksUrl), ("@l", client.PermitLimit), ("@t", client.RegisteredAt)), cancellationToken);
    }

    public async Task<bool> RemoveClientAsync(string clientId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return await WriteAsync(session => session.ExecAsync("DELETE FROM api_client WHERE client_id = @c", cancellationToken, ("@c", clientId)), cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<ApiClientRegistration?> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return (await QueryAsync($"{ClientSelect} WHERE client_id = @c", ReadClient, cancellationToken, ("@c", clientId)).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ApiClientRegistration>> GetClientsAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"{ClientSelect} ORDER BY client_id", ReadClient, cancellationToken).ConfigureAwait(false);

    private ApiClientRegistration ReadClient(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableString(4), r.NullableString(5), r.NullableInt(6), Time(r, 7));
}
