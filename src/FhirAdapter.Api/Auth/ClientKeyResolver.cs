using System.Collections.Concurrent;
using FhirAdapter.Api.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// A client's public keys: inline from configuration, or fetched from its JWKS URL and reused for
/// <see cref="FhirApiOptions.JwksCacheDuration"/>. An unknown <c>kid</c> fetches again (the client rotated its key),
/// at most once per minute so that forged kids cannot make us hammer the client's server.
/// </summary>
internal sealed class ClientKeyResolver
{
    public const string HttpClientName = "FhirAdapter.Api.Jwks";
    private static readonly TimeSpan MinRefetch = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DateTimeOffset FetchedAt, IReadOnlyList<SecurityKey> Keys)> _cache = new(StringComparer.Ordinal);
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;
    private readonly FhirApiOptions _options;
    private readonly ILogger _logger;

    public ClientKeyResolver(IHttpClientFactory http, TimeProvider time, IOptions<FhirApiOptions> options, ILogger<ClientKeyResolver> logger)
    {
        _http = http;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    public async Task<IReadOnlyList<SecurityKey>> GetKeysAsync(RegisteredClient client, string? kid, CancellationToken cancellationToken)
    {
        if (client.InlineKeys is { } inline)
        {
            return inline;
        }

        var now = _time.GetUtcNow();
        var url = client.JwksUrl!;
        if (_cache.TryGetValue(url.AbsoluteUri, out var cached))
        {
            var fresh = now - cached.FetchedAt < _options.JwksCacheDuration;
            var knowsKid = kid is null || cached.Keys.Any(k => k.KeyId == kid);
            if ((fresh && knowsKid) || now - cached.FetchedAt < MinRefetch)
            {
                return cached.Keys;
            }
        }

        try
        {
            using var response = await _http.CreateClient(HttpClientName).GetAsync(url, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Log.JwksFetchFailed(_logger, client.ClientId, (int)response.StatusCode);
                return cached.Keys ?? [];
            }

            var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var keys = ClientRegistrations.ParseKeys(json, out var problem);
            if (problem is not null)
            {
                Log.JwksUnusable(_logger, client.ClientId, problem);
                return cached.Keys ?? [];
            }

            _cache[url.AbsoluteUri] = (now, keys);
            return keys;
        }
        catch (HttpRequestException ex)
        {
            Log.JwksFetchError(_logger, client.ClientId, ex.GetType().Name);
            return cached.Keys ?? [];
        }
    }
}
