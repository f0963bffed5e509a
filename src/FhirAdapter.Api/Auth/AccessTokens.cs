using System.Security.Cryptography;
using System.Text;
using FhirAdapter.Api.Options;
using FhirAdapter.Store;
using FhirAdapter.Store.Api;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// Issues opaque bearer tokens and looks them up in the store, where only a SHA-256 of each token is kept: a token
/// issued by one instance works on every other, and after a restart, until it expires.
/// </summary>
internal sealed class AccessTokens(IApiStateStore store, ApiClientRegistry clients, TimeProvider time, IOptions<FhirApiOptions> options)
{
    public TimeSpan Lifetime { get; } = options.Value.AccessTokenLifetime;

    public async Task<string> IssueAsync(RegisteredClient client, IReadOnlyList<SmartScope> scopes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        await store.SaveAccessTokenAsync(new ApiAccessToken(Hash(token), client.ClientId, string.Join(' ', scopes.Select(s => s.Text)), now, now + Lifetime), cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>The grant of a live token whose client is still registered; null otherwise.</summary>
    public async Task<AccessGrant?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200 || await store.FindAccessTokenAsync(Hash(token), cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        if (await clients.FindAsync(stored.ClientId, cancellationToken).ConfigureAwait(false) is not { } current)
        {
            return null;
        }

        // A re-registered client (new organization or scopes) keeps no more than it has now.
        var granted = stored.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => SmartScope.TryParse(t, out var s) ? s : null).OfType<SmartScope>();
        return new AccessGrant(current, [.. granted.Where(s => current.Scopes.Any(c => c.Covers(s)))], stored.ExpiresAt);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
