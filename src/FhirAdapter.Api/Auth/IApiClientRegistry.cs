using FhirAdapter.Api.Options;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// The registered API clients: those of <c>Adapter:Api:Clients</c> (configuration), plus those registered in the store
/// (the <c>clients add</c> command), which every running instance sees at once, without a restart.
/// </summary>
public interface IApiClientRegistry
{
    /// <summary>Registers (or replaces) a client in the store: it can ask for tokens at once, on every instance.</summary>
    /// <exception cref="ArgumentException">The registration is invalid; the message names each problem.</exception>
    /// <exception cref="InvalidOperationException">The client id is registered in configuration, which wins: change it there.</exception>
    Task AddAsync(ApiClientOptions client, CancellationToken cancellationToken);

    /// <summary>Unregisters a client registered in the store; its tokens stop working at once. False if the store has no such client.</summary>
    /// <exception cref="InvalidOperationException">The client is registered in configuration: remove it there.</exception>
    Task<bool> RemoveAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>Every registered client, configuration's and the store's, ordered by id.</summary>
    Task<IReadOnlyList<ApiClientListing>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>A registered client as <c>clients list</c> shows it: no key material, only where the keys come from.</summary>
/// <param name="Keys">e.g. <c>2 keys (kid-1, kid-2)</c> or the JWKS URL.</param>
/// <param name="Source"><c>configuration</c> or <c>store</c>.</param>
public sealed record ApiClientListing(string ClientId, string OrganizationId, string Purpose, string Scopes, string Keys, int? PermitLimit, string Source, DateTimeOffset? RegisteredAt);
