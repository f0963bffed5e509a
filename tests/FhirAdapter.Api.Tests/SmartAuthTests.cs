using System.Net;
using System.Security.Cryptography;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SmartAuthTests(ApiFixture api)
{
    [Fact]
    public async System.Threading.Tasks.Task Discovery_is_anonymous_and_names_the_token_endpoint()
    {
        var (status, resource, _) = await api.GetAsync("fhir/metadata", null);
        Assert.Equal(HttpStatusCode.OK, status);
        var capability = Assert.IsType<CapabilityStatement>(resource);
        var issues = SampleStore.Validator.Validate(capability).Errors();
        Assert.True(!issues.Any(), string.Join("; ", issues.Select(i => i.Diagnostics + " @ " + string.Join(",", i.Expression))));
        Assert.Contains(capability.Rest[0].Security.Service.SelectMany(s => s.Coding), c => c.Code == "SMART-on-FHIR");
        // Backend Services only: no authorize endpoint is advertised anywhere (SMART 2.x: required only for app launch).
        Assert.DoesNotContain("\"authorize\"", FhirAdapter.Core.Mapping.FhirJson.Serialize(capability), StringComparison.Ordinal);

        using var smart = await api.SendAsync(HttpMethod.Get, "fhir/.well-known/smart-configuration", null);
        var configuration = System.Text.Json.JsonDocument.Parse(await smart.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(api.TokenUrl, configuration.GetProperty("token_endpoint").GetString());
        Assert.False(configuration.TryGetProperty("authorization_endpoint", out _));
        using var authorize = await api.SendAsync(HttpMethod.Get, "auth/authorize?response_type=code", null);
        Assert.Equal(HttpStatusCode.NotFound, authorize.StatusCode);
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec")]
    public async System.Threading.Tasks.Task The_whole_flow_works_with_RS384_and_ES384(string kind)
    {
        var client = kind == "rsa" ? api.Rsa : api.Ec;
        var scope = kind == "rsa" ? "system/*.rs" : "system/*.read";
        var (status, body) = await api.RequestTokenAsync(client.Assertion(api.TokenUrl, api.Time.GetUtcNow()), scope);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("bearer", body.GetProperty("token_type").GetString());
        Assert.True(body.GetProperty("expires_in").GetInt32() <= 300);
        Assert.Equal(scope, body.GetProperty("scope").GetString());

        var bundle = await api.SearchAsync("fhir/Patient", body.GetProperty("access_token").GetString()!);
        Assert.Contains(bundle.Entry, e => e.Resource is Patient);
    }

    [Fact]
    public async System.Threading.Tasks.Task Refuses_a_bad_signature_an_expired_or_too_long_assertion_a_wrong_aud_and_a_replayed_jti()
    {
        var now = api.Time.GetUtcNow();
        var other = new RsaSecurityKey(RSA.Create(2048)) { KeyId = api.Rsa.ClientId + "-rsa" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, now, signWith: other))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, now - TimeSpan.FromMinutes(10)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, now, lifetime: TimeSpan.FromMinutes(30)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(api.Rsa.Assertion("https://elsewhere.example/auth/token", now))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, now, issuer: "unknown-client"))).Status);

        var jti = Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, now, jti: jti))).Status);
        var (status, body) = await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, now, jti: jti));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async System.Threading.Tasks.Task Scopes_are_granted_only_as_registered_and_enforced_per_type()
    {
        var (status, body) = await api.RequestTokenAsync(api.PatientOnly.Assertion(api.TokenUrl, api.Time.GetUtcNow()), "system/Observation.rs");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());

        var token = await api.TokenAsync(api.PatientOnly, "system/Patient.rs");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("fhir/Patient", token)).Status);
        var (forbidden, outcome, _) = await api.GetAsync("fhir/Observation", token);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.IsType<OperationOutcome>(outcome);
    }

    [Fact]
    public async System.Threading.Tasks.Task No_token_an_unknown_token_and_an_expired_token_get_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("fhir/Patient", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("fhir/Patient", "made-up")).Status);
        var token = await api.TokenAsync(api.Rsa);
        api.Time.Advance(TimeSpan.FromMinutes(6));
        var (status, outcome, response) = await api.GetAsync("fhir/Patient", token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.IsType<OperationOutcome>(outcome);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_client_over_its_rate_limit_gets_429_with_retry_after()
    {
        var token = await api.TokenAsync(api.Limited); // counts as the first request of the window
        HttpStatusCode last = HttpStatusCode.OK;
        HttpResponseMessage? response = null;
        for (var i = 0; i < 4 && last != HttpStatusCode.TooManyRequests; i++)
        {
            (last, _, response) = await api.GetAsync("fhir/Questionnaire", token);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
        Assert.NotNull(response!.Headers.RetryAfter);
    }
}
