using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Api.Tests;

/// <summary>Scope negotiation and the key checks of SMART Backend Services.</summary>
[Collection(ApiCollection.Name)]
public sealed class ScopeAndKeyTests(ApiFixture api)
{
    [Theory]
    [InlineData("system/*.cruds", "system/*.rs")]
    [InlineData("system/*.*", "system/*.read")]
    [InlineData("system/*.read system/*.write", "system/*.read")]
    [InlineData("system/Observation.rs system/Patient.cruds", "system/Observation.rs system/Patient.rs")]
    [InlineData("system/*.s", "system/*.s")]
    [InlineData("system/*.rs system/AuditEvent.rs", "system/*.rs")]
    public async System.Threading.Tasks.Task Requested_scopes_are_narrowed_to_read_search_and_the_registration(string requested, string granted)
    {
        var (status, body) = await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, api.Time.GetUtcNow()), requested);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(granted, body.GetProperty("scope").GetString());
    }

    [Fact]
    public async System.Threading.Tasks.Task A_dropped_AuditEvent_scope_leaves_a_token_that_cannot_read_the_accounting()
    {
        var (_, body) = await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, api.Time.GetUtcNow()), "system/*.rs system/AuditEvent.rs");
        var token = body.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("fhir/AuditEvent", token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("fhir/Patient?_count=1", token)).Status);
    }

    [Theory]
    [InlineData("system/*.write")]
    [InlineData("patient/*.rs")]
    public async System.Threading.Tasks.Task Nothing_grantable_is_invalid_scope(string requested)
    {
        var (status, body) = await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, api.Time.GetUtcNow()), requested);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async System.Threading.Tasks.Task A_jku_other_than_the_registered_JWKS_url_fails_verification()
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var now = api.Time.GetUtcNow();
        string Assertion(string? jku, string? kid) => handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = api.Rsa.ClientId,
            Audience = api.TokenUrl,
            Expires = (now + TimeSpan.FromMinutes(4)).UtcDateTime,
            AdditionalHeaderClaims = jku is null ? null : new Dictionary<string, object> { ["jku"] = jku },
            Claims = new Dictionary<string, object> { ["sub"] = api.Rsa.ClientId, ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(kid is null ? new RsaSecurityKey(((RsaSecurityKey)api.Rsa.Key).Rsa) : api.Rsa.Key, api.Rsa.Algorithm),
        });

        Assert.Equal(HttpStatusCode.OK, (await api.RequestTokenAsync(Assertion(null, "kid"))).Status);
        // The client is registered with an inline key: any jku names a key set nobody registered.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(Assertion("https://attacker.example/jwks.json", "kid"))).Status);
        // One registered key: an assertion without kid still names it unambiguously.
        Assert.Equal(HttpStatusCode.OK, (await api.RequestTokenAsync(Assertion(null, null))).Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task With_several_keys_the_kid_is_required()
    {
        var first = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "k1" };
        var second = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "k2" };
        string Jwk(RsaSecurityKey key)
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            return $$"""{"kty":"RSA","kid":"{{jwk.Kid}}","n":"{{jwk.N}}","e":"{{jwk.E}}"}""";
        }

        var registry = (FhirAdapter.Api.Auth.IApiClientRegistry)api.Services.GetService(typeof(FhirAdapter.Api.Auth.IApiClientRegistry))!;
        await registry.AddAsync(new FhirAdapter.Api.Options.ApiClientOptions { ClientId = "ehr-two-keys", OrganizationId = "bhn", Jwks = $$"""{"keys":[{{Jwk(first)}},{{Jwk(second)}}]}""" }, default);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        string Assertion(SecurityKey key) => handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "ehr-two-keys",
            Audience = api.TokenUrl,
            Expires = (api.Time.GetUtcNow() + TimeSpan.FromMinutes(4)).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = "ehr-two-keys", ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha384),
        });

        Assert.Equal(HttpStatusCode.OK, (await api.RequestTokenAsync(Assertion(second))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(Assertion(new RsaSecurityKey(second.Rsa)))).Status);
        await registry.RemoveAsync("ehr-two-keys", default);
    }
}
