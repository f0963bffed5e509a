using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using FhirAdapter.Exchange.Http;
using FhirAdapter.Exchange.Options;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Exchange.Auth;

/// <summary>
/// SMART Backend Services for one destination: signs a client assertion (RS384 or ES384), trades it for an access
/// token and keeps the token until shortly before it expires.
/// </summary>
internal sealed class SmartTokenClient : IDisposable
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    // Tokens that state no lifetime are held as long as SMART lets a server issue them.
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    private readonly DestinationOptions _destination;
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly JsonWebTokenHandler _jwt = new() { SetDefaultTimesOnTokenCreation = false };
    private SigningCredentials? _credentials;
    private AsymmetricAlgorithm? _key;
    private string? _tokenUrl;
    private string? _token;
    private DateTimeOffset _renewAt;

    public SmartTokenClient(DestinationOptions destination, IHttpClientFactory httpClients, TimeProvider time, ILogger logger)
    {
        _destination = destination;
        _httpClients = httpClients;
        _time = time;
        _logger = logger;
    }

    /// <summary>A valid token; a fresh one when <paramref name="rejected"/> is the cached token the server just refused.</summary>
    public async Task<string> GetTokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have renewed it while this one waited.
            if (_token is not null && _token != rejected && _time.GetUtcNow() < _renewAt)
            {
                return _token;
            }

            var tokenUrl = _tokenUrl ??= await DiscoverTokenUrlAsync(cancellationToken).ConfigureAwait(false);
            var auth = _destination.Auth;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = auth.Scope,
                ["client_assertion_type"] = AssertionType,
                ["client_assertion"] = CreateAssertion(tokenUrl),
            });
            var client = _httpClients.CreateClient(ExchangeHttpClients.TokenClient);
            using var response = await client.PostAsync(new Uri(tokenUrl), form, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                Log.TokenRequestFailed(_logger, _destination.Name, status);
                if (status >= 500 || status == 429)
                {
                    throw new HttpRequestException($"token endpoint answered HTTP {status}", null, response.StatusCode);
                }

                throw new AuthenticationFailedException($"token endpoint refused the client: HTTP {status}");
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            var token = body.TryGetProperty("access_token", out var t) ? t.GetString() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw new AuthenticationFailedException("token endpoint answered without an access_token");
            }

            var lifetime = body.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : DefaultLifetime;
            _token = token;
            _renewAt = _time.GetUtcNow() + lifetime - auth.TokenRefreshSkew;
            Log.TokenObtained(_logger, _destination.Name, lifetime);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal string CreateAssertion(string tokenUrl)
    {
        var auth = _destination.Auth;
        var now = _time.GetUtcNow().UtcDateTime;
        return _jwt.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.ClientId,
            Audience = tokenUrl,
            IssuedAt = now,
            Expires = now + auth.AssertionLifetime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = auth.ClientId!,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = _credentials ??= LoadCredentials(),
        });
    }

    private SigningCredentials LoadCredentials()
    {
        var auth = _destination.Auth;
        var pem = File.ReadAllText(auth.PrivateKeyPath!);
        if (auth.Algorithm == SigningAlgorithm.ES384)
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            _key = ec;
            return new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = auth.KeyId }, SecurityAlgorithms.EcdsaSha384);
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        _key = rsa;
        return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = auth.KeyId }, SecurityAlgorithms.RsaSha384);
    }

    private async Task<string> DiscoverTokenUrlAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(_destination.Auth.TokenUrl))
        {
            return _destination.Auth.TokenUrl;
        }

        var client = _httpClients.CreateClient(ExchangeHttpClients.TokenClient);
        var url = new Uri(_destination.BaseUrl.TrimEnd('/') + "/.well-known/smart-configuration");
        using var response = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            throw status >= 500 || status == 429
                ? new HttpRequestException($"smart-configuration answered HTTP {status}", null, response.StatusCode)
                : new AuthenticationFailedException($"no smart-configuration at the destination: HTTP {status}");
        }

        var config = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        var tokenUrl = config.TryGetProperty("token_endpoint", out var t) ? t.GetString() : null;
        if (!Uri.TryCreate(tokenUrl, UriKind.Absolute, out _))
        {
            throw new AuthenticationFailedException("smart-configuration has no absolute token_endpoint");
        }

        Log.TokenEndpointDiscovered(_logger, _destination.Name);
        return tokenUrl!;
    }

    public void Dispose()
    {
        _gate.Dispose();
        _key?.Dispose();
    }
}
