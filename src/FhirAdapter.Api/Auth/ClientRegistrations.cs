using System.Net;
using FhirAdapter.Api.Options;
using FhirAdapter.Core.Privacy;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Api.Auth;

/// <summary>Turns a client's configuration into a <see cref="RegisteredClient"/>, or says what is wrong, naming the key.</summary>
internal static class ClientRegistrations
{
    public static RegisteredClient? TryParse(ApiClientOptions options, string at, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{at}:ClientId is required");
        }

        if (string.IsNullOrWhiteSpace(options.OrganizationId))
        {
            errors.Add($"{at}:OrganizationId is required (the organizationId that consents name)");
        }

        if (!DisclosurePurposes.TryParse(options.Purpose, out var purpose))
        {
            errors.Add($"{at}:Purpose must be treatment, payment or health-care-operations");
        }

        var scopes = new List<SmartScope>();
        foreach (var text in (options.Scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!SmartScope.TryParse(text, out var scope))
            {
                errors.Add($"{at}:Scopes has '{text}', which is not a SMART system scope (e.g. system/*.rs, system/Patient.rs, system/*.read)");
            }
            else if (!scope.IsReadOnly)
            {
                errors.Add($"{at}:Scopes has '{text}': the API is read-only, grant r and s only (e.g. system/*.rs)");
            }
            else
            {
                scopes.Add(scope);
            }
        }

        if (scopes.Count == 0 && errors.Count == before)
        {
            errors.Add($"{at}:Scopes must name at least one scope (e.g. system/*.rs)");
        }

        IReadOnlyList<SecurityKey>? keys = null;
        Uri? jwksUrl = null;
        var hasInline = !string.IsNullOrWhiteSpace(options.Jwks);
        var hasUrl = !string.IsNullOrWhiteSpace(options.JwksUrl);
        if (hasInline == hasUrl)
        {
            errors.Add($"{at}: give exactly one of Jwks (the public key as JWK or JWK Set JSON) and JwksUrl");
        }
        else if (hasInline)
        {
            keys = ParseKeys(options.Jwks!, out var problem);
            if (problem is not null)
            {
                errors.Add($"{at}:Jwks {problem}");
            }
        }
        else if (!Uri.TryCreate(options.JwksUrl, UriKind.Absolute, out jwksUrl)
                 || !(jwksUrl.Scheme == Uri.UriSchemeHttps || (jwksUrl.Scheme == Uri.UriSchemeHttp && IsLoopback(jwksUrl))))
        {
            errors.Add($"{at}:JwksUrl must be an absolute https URL (http is accepted on loopback only)");
        }

        if (options.PermitLimit is < 1)
        {
            errors.Add($"{at}:PermitLimit must be at least 1");
        }

        return errors.Count > before
            ? null
            : new RegisteredClient(options.ClientId.Trim(), options.OrganizationId.Trim(), purpose, scopes, keys, jwksUrl, options.PermitLimit);
    }

    /// <summary>Public signing keys from a JWK Set or one JWK; <paramref name="problem"/> says why none is usable.</summary>
    public static IReadOnlyList<SecurityKey> ParseKeys(string json, out string? problem)
    {
        problem = null;
        List<JsonWebKey> jwks;
        try
        {
            jwks = json.Contains("\"keys\"", StringComparison.Ordinal) ? [.. new JsonWebKeySet(json).Keys] : [new JsonWebKey(json)];
        }
        catch (ArgumentException)
        {
            problem = "is not a JWK or JWK Set in JSON";
            return [];
        }

        var keys = new List<SecurityKey>();
        foreach (var jwk in jwks)
        {
            if (!string.IsNullOrEmpty(jwk.D) || !string.IsNullOrEmpty(jwk.P) || !string.IsNullOrEmpty(jwk.K))
            {
                problem = "holds a private or symmetric key: register the public key only";
                return [];
            }

            if (jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA && !string.IsNullOrEmpty(jwk.N) && !string.IsNullOrEmpty(jwk.E))
            {
                keys.Add(jwk);
            }
            else if (jwk.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve && jwk.Crv == JsonWebKeyECTypes.P384 && !string.IsNullOrEmpty(jwk.X) && !string.IsNullOrEmpty(jwk.Y))
            {
                keys.Add(jwk);
            }
        }

        if (keys.Count == 0)
        {
            problem = "has no usable key: an RSA key (RS384) or an EC P-384 key (ES384) is needed";
        }

        return keys;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
