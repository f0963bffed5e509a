using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Testing;

/// <summary>A SMART Backend Services client with its own generated key (RSA → RS384, EC P-384 → ES384): its public JWK Set to register, its signed assertions.</summary>
public sealed class TestClient
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private TestClient(string clientId, SecurityKey key, string algorithm)
    {
        ClientId = clientId;
        Key = key;
        Algorithm = algorithm;
    }

    public string ClientId { get; }

    public SecurityKey Key { get; }

    public string Algorithm { get; }

    public static TestClient Rsa(string clientId, string? kid = null) => new(clientId, new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid ?? clientId + "-rsa" }, SecurityAlgorithms.RsaSha384);

    public static TestClient Ec(string clientId, string? kid = null) => new(clientId, new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP384)) { KeyId = kid ?? clientId + "-ec" }, SecurityAlgorithms.EcdsaSha384);

    /// <summary>The public JWK Set to register.</summary>
    public string PublicJwks()
    {
        var jwk = Key switch
        {
            RsaSecurityKey rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.Rsa.ExportParameters(false)) { KeyId = rsa.KeyId }),
            ECDsaSecurityKey ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ec.ECDsa.ExportParameters(false))) { KeyId = ec.KeyId }),
            _ => throw new InvalidOperationException(),
        };
        var keys = new Dictionary<string, object?> { ["kty"] = jwk.Kty, ["kid"] = jwk.Kid, ["n"] = jwk.N, ["e"] = jwk.E, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y };
        return JsonSerializer.Serialize(new { keys = new[] { keys.Where(k => k.Value is not null).ToDictionary() } });
    }

    public string Assertion(string audience, DateTimeOffset now, TimeSpan? lifetime = null, string? jti = null, SecurityKey? signWith = null, string? issuer = null) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? ClientId,
            Audience = audience,
            Expires = (now + (lifetime ?? TimeSpan.FromMinutes(4))).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = ClientId,
                [JwtRegisteredClaimNames.Jti] = jti ?? Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(signWith ?? Key, Algorithm),
        });
}
