using System.Collections.Concurrent;
using FhirAdapter.Api.Options;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Store.Api;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// Configuration's clients, parsed once at start, then the store's, read at each use (one indexed read), so that a
/// client added, replaced (a new key) or removed by <c>clients add</c> / <c>clients remove</c> counts at once on every
/// instance. A stored registration is parsed once per version.
/// </summary>
internal sealed class ApiClientRegistry : IApiClientRegistry
{
    private readonly Dictionary<string, RegisteredClient> _configured = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (ApiClientRegistration Stored, RegisteredClient? Client)> _parsed = new(StringComparer.Ordinal);
    private readonly IApiStateStore _store;
    private readonly TimeProvider _time;

    public ApiClientRegistry(IOptions<FhirApiOptions> options, IApiStateStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _time = time;
        foreach (var client in options.Value.Clients)
        {
            // Start-up validation has checked these already; a bad entry here means validation was bypassed.
            var errors = new List<string>();
            var parsed = ClientRegistrations.TryParse(client, "client", errors) ?? throw new ArgumentException(string.Join("; ", errors), nameof(options));
            _configured[parsed.ClientId] = parsed;
        }
    }

    /// <summary>The client, configured or stored; null when unknown (or its stored registration no longer parses).</summary>
    public async Task<RegisteredClient?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        if (_configured.TryGetValue(clientId, out var configured))
        {
            return configured;
        }

        if (await _store.FindClientAsync(clientId, cancellationToken) is not { } stored)
        {
            _parsed.TryRemove(clientId, out _);
            return null;
        }

        if (_parsed.TryGetValue(clientId, out var cached) && cached.Stored == stored)
        {
            return cached.Client;
        }

        var client = ClientRegistrations.TryParse(ToOptions(stored), $"client {clientId}", []);
        _parsed[clientId] = (stored, client);
        return client;
    }

    public async Task AddAsync(ApiClientOptions client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var errors = new List<string>();
        var parsed = ClientRegistrations.TryParse(client, "client", errors) ?? throw new ArgumentException(string.Join("; ", errors));
        if (_configured.ContainsKey(parsed.ClientId))
        {
            throw new InvalidOperationException($"Client {parsed.ClientId} is registered in configuration (Adapter:Api:Clients), which wins: change it there");
        }

        await _store.SaveClientAsync(new ApiClientRegistration(parsed.ClientId, parsed.OrganizationId, client.Purpose.Trim(), string.Join(' ', parsed.Scopes.Select(s => s.Text)),
            string.IsNullOrWhiteSpace(client.Jwks) ? null : client.Jwks.Trim(), parsed.JwksUrl?.AbsoluteUri, parsed.PermitLimit, _time.GetUtcNow()), cancellationToken);
    }

    public async Task<bool> RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        if (_configured.ContainsKey(clientId))
        {
            throw new InvalidOperationException($"Client {clientId} is registered in configuration (Adapter:Api:Clients): remove it there");
        }

        return await _store.RemoveClientAsync(clientId, cancellationToken);
    }

    public async Task<IReadOnlyList<ApiClientListing>> ListAsync(CancellationToken cancellationToken)
    {
        var all = _configured.Values.Select(c => Listing(c, "configuration", null)).ToList();
        foreach (var stored in await _store.GetClientsAsync(cancellationToken))
        {
            if (!_configured.ContainsKey(stored.ClientId))
            {
                var parsed = ClientRegistrations.TryParse(ToOptions(stored), "client", []);
                all.Add(parsed is null
                    ? new ApiClientListing(stored.ClientId, stored.OrganizationId, stored.Purpose, stored.Scopes, "(unusable registration)", stored.PermitLimit, "store", stored.RegisteredAt)
                    : Listing(parsed, "store", stored.RegisteredAt));
            }
        }

        return [.. all.OrderBy(c => c.ClientId, StringComparer.Ordinal)];
    }

    private static ApiClientListing Listing(RegisteredClient c, string source, DateTimeOffset? registeredAt) => new(
        c.ClientId, c.OrganizationId, c.Purpose.RecordCode(), string.Join(' ', c.Scopes.Select(s => s.Text)),
        c.JwksUrl?.AbsoluteUri ?? $"{c.InlineKeys!.Count} key{(c.InlineKeys.Count == 1 ? "" : "s")} ({string.Join(", ", c.InlineKeys.Select(k => k.KeyId ?? "no kid"))})",
        c.PermitLimit, source, registeredAt);

    private static ApiClientOptions ToOptions(ApiClientRegistration stored) => new()
    {
        ClientId = stored.ClientId,
        OrganizationId = stored.OrganizationId,
        Purpose = stored.Purpose,
        Scopes = stored.Scopes,
        Jwks = stored.Jwks,
        JwksUrl = stored.JwksUrl,
        PermitLimit = stored.PermitLimit,
    };
}
