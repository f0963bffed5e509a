using FhirAdapter.Api.Options;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// The registered API clients: those in <c>Adapter:Api:Clients</c> at start, plus any added at run time (e.g. by a
/// <c>clients add</c> command in the same process). Changes made here are not written back to configuration.
/// </summary>
public interface IApiClientRegistry
{
    /// <summary>Registers (or replaces) a client.</summary>
    /// <exception cref="ArgumentException">The registration is invalid; the message names each problem.</exception>
    void Add(ApiClientOptions client);

    /// <summary>Unregisters a client; its tokens stop working at once. False if it was not registered.</summary>
    bool Remove(string clientId);

    /// <summary>The registered client ids, ordered.</summary>
    IReadOnlyList<string> ClientIds { get; }
}
