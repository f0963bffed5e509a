using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FhirAdapter.Api.Options;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// Issues opaque bearer tokens and looks them up. Only a SHA-256 of each token is kept, in memory: a token is worth
/// nothing after a restart (clients simply ask again, as they must every few minutes anyway).
/// </summary>
internal sealed class AccessTokens
{
    private readonly ConcurrentDictionary<string, AccessGrant> _grants = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ApiClientRegistry _clients;
    private readonly TimeSpan _lifetime;

    public AccessTokens(TimeProvider time, ApiClientRegistry clients, IOptions<FhirApiOptions> options)
    {
        _time = time;
        _clients = clients;
        _lifetime = options.Value.AccessTokenLifetime;
    }

    public TimeSpan Lifetime => _lifetime;

    public string Issue(RegisteredClient client, IReadOnlyList<SmartScope> scopes)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, grant) in _grants)
        {
            if (grant.ExpiresAt <= now)
            {
                _grants.TryRemove(new KeyValuePair<string, AccessGrant>(key, grant));
            }
        }

        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _grants[Hash(token)] = new AccessGrant(client, scopes, now + _lifetime);
        return token;
    }

    /// <summary>The grant of a live token whose client is still registered; null otherwise.</summary>
    public AccessGrant? Find(string token)
    {
        if (string.IsNullOrEmpty(token) || !_grants.TryGetValue(Hash(token), out var grant))
        {
            return null;
        }

        if (grant.ExpiresAt <= _time.GetUtcNow() || !_clients.TryGet(grant.Client.ClientId, out var current))
        {
            return null;
        }

        // A re-registered client (new organization or scopes) keeps no more than it has now.
        return grant with { Client = current, Scopes = [.. grant.Scopes.Where(s => current.Scopes.Any(c => c.Covers(s)))] };
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
