using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using FhirAdapter.Api.Options;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Auth;

internal sealed class ApiClientRegistry : IApiClientRegistry
{
    private readonly ConcurrentDictionary<string, RegisteredClient> _clients = new(StringComparer.Ordinal);

    public ApiClientRegistry(IOptions<FhirApiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var client in options.Value.Clients)
        {
            // Start-up validation has checked these already; a bad entry here means validation was bypassed.
            Add(client);
        }
    }

    public IReadOnlyList<string> ClientIds => [.. _clients.Keys.Order(StringComparer.Ordinal)];

    public void Add(ApiClientOptions client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var errors = new List<string>();
        var parsed = ClientRegistrations.TryParse(client, "client", errors);
        if (parsed is null)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(client));
        }

        _clients[parsed.ClientId] = parsed;
    }

    public bool Remove(string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return _clients.TryRemove(clientId, out _);
    }

    public bool TryGet(string clientId, [NotNullWhen(true)] out RegisteredClient? client) => _clients.TryGetValue(clientId, out client);
}
