using FhirAdapter.Api.Options;
using FhirAdapter.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// Checks a SMART Backend Services client assertion: a JWT signed (RS384 or ES384) with a key the client registered,
/// <c>iss</c> = <c>sub</c> = a registered client id, <c>aud</c> = our token URL, <c>exp</c> in the future but at
/// most five minutes ahead, and a <c>jti</c> never seen before by any instance (the store keeps them). Times are checked against <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ClientAssertionValidator
{
    /// <summary>SMART: the assertion's exp must be no more than five minutes in the future.</summary>
    public static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromMinutes(5);

    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384];

    private readonly JsonWebTokenHandler _handler = new();
    private readonly ApiClientRegistry _clients;
    private readonly ClientKeyResolver _keys;
    private readonly IApiStateStore _replays;
    private readonly TimeProvider _time;
    private readonly TimeSpan _skew;
    private readonly ILogger _logger;

    public ClientAssertionValidator(
        ApiClientRegistry clients, ClientKeyResolver keys, IApiStateStore replays, TimeProvider time, IOptions<FhirApiOptions> options, ILogger<ClientAssertionValidator> logger)
    {
        _clients = clients;
        _keys = keys;
        _replays = replays;
        _time = time;
        _skew = options.Value.ClockSkew;
        _logger = logger;
    }

    /// <summary>The client the assertion authenticates, or null (the reason is logged, without the token).</summary>
    public async Task<RegisteredClient?> ValidateAsync(string assertion, string tokenUrl, CancellationToken cancellationToken)
    {
        JsonWebToken unverified;
        try
        {
            unverified = _handler.ReadJsonWebToken(assertion);
        }
        catch (ArgumentException)
        {
            return Reject(null, "the assertion is not a JWT");
        }

        var clientId = unverified.Issuer;
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 200 || await _clients.FindAsync(clientId, cancellationToken).ConfigureAwait(false) is not { } client)
        {
            return Reject(null, "the assertion's iss is not a registered client");
        }

        // SMART Backend Services: "If the jku header is present, verify that the jku is whitelisted (i.e., that it matches
        // the JWKS URL value supplied at registration time for the specified client_id). If the jku header is not
        // whitelisted, the signature verification fails."
        if (unverified.TryGetHeaderValue<string>("jku", out var jku) && jku is not null
            && (client.JwksUrl is null || !Uri.TryCreate(jku, UriKind.Absolute, out var jkuUrl) || jkuUrl.AbsoluteUri != client.JwksUrl.AbsoluteUri))
        {
            return Reject(client.ClientId, "jku is not the JWKS URL registered for the client");
        }

        var kid = string.IsNullOrEmpty(unverified.Kid) ? null : unverified.Kid;
        var keys = await _keys.GetKeysAsync(client, kid, cancellationToken).ConfigureAwait(false);
        if (kid is null && keys.Count > 1)
        {
            // SMART asks every assertion for a kid; with a single registered key we still know which one is meant.
            return Reject(client.ClientId, "kid is missing and the client has several keys");
        }

        if (kid is not null)
        {
            keys = [.. keys.Where(k => k.KeyId == kid)];
            if (keys.Count == 0)
            {
                return Reject(client.ClientId, "no registered key has the assertion's kid");
            }
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudiences = [tokenUrl, tokenUrl.TrimEnd('/') + "/"],
            IssuerSigningKeys = keys,
            ValidAlgorithms = Algorithms,
            TryAllIssuerSigningKeys = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Lifetime is checked below against TimeProvider, with SMART's five-minute bound.
            ValidateLifetime = false,
        };
        var result = await _handler.ValidateTokenAsync(assertion, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Reject(client.ClientId, result.Exception switch
            {
                SecurityTokenInvalidAudienceException => "aud is not this server's token URL",
                SecurityTokenInvalidAlgorithmException => "the algorithm is not RS384 or ES384",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the signature does not verify with the client's registered keys",
                SecurityTokenInvalidIssuerException => "iss is wrong",
                _ => $"the assertion is invalid ({result.Exception?.GetType().Name})",
            });
        }

        var token = (JsonWebToken)result.SecurityToken;
        var now = _time.GetUtcNow();
        if (token.Subject != client.ClientId)
        {
            return Reject(client.ClientId, "sub is not the client id");
        }

        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var expSeconds))
        {
            return Reject(client.ClientId, "exp is missing");
        }

        var exp = DateTimeOffset.FromUnixTimeSeconds(expSeconds);
        if (exp <= now - _skew)
        {
            return Reject(client.ClientId, "the assertion has expired");
        }

        if (exp > now + MaxAssertionLifetime + _skew)
        {
            return Reject(client.ClientId, "exp is more than five minutes ahead");
        }

        if (token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) > now + _skew)
        {
            return Reject(client.ClientId, "the assertion is not valid yet (nbf)");
        }

        var jti = token.Id;
        if (string.IsNullOrEmpty(jti))
        {
            return Reject(client.ClientId, "jti is missing");
        }

        // Only after the signature: otherwise anyone could burn a client's future jtis.
        if (!await _replays.TryUseAssertionIdAsync(client.ClientId, jti, exp + _skew, cancellationToken).ConfigureAwait(false))
        {
            return Reject(client.ClientId, "jti was used before (replay)");
        }

        return client;
    }

    private RegisteredClient? Reject(string? clientId, string reason)
    {
        Log.AssertionRejected(_logger, clientId ?? "(unknown)", reason);
        return null;
    }
}
