using System.Security.Cryptography;
using System.Web;
using FhirAdapter.Exchange.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FhirAdapter.Exchange.Tests.Contract;

/// <summary>SMART Backend Services: the signed client assertion, discovery, caching and the one refresh after a 401.</summary>
public sealed class SmartAuthTests : IDisposable
{
    private const string ClientId = "kwc-adapter";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTransactionResponder _fhir = new();
    private readonly string _keyPath = Path.Combine(Path.GetTempPath(), $"smart-{Guid.NewGuid():N}.pem");
    private int _tokens;

    public SmartAuthTests()
    {
        _server.Given(Request.Create().WithPath("/fhir/.well-known/smart-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"token_endpoint":"{{_server.Url}}/auth/token","grant_types_supported":["client_credentials"]}"""));
        _server.Given(Request.Create().WithPath("/auth/token").UsingPost())
            .RespondWith(Response.Create().WithCallback(_ => WireMockFhir.Json(200,
                $$"""{"access_token":"tok-{{Interlocked.Increment(ref _tokens)}}","token_type":"bearer","expires_in":300,"scope":"system/*.cruds"}""")));
    }

    [Theory]
    [InlineData("RS384")]
    [InlineData("ES384")]
    public async Task Signs_a_client_assertion_with_the_configured_key_and_sends_the_token_it_buys(string algorithm)
    {
        SecurityKey publicKey = algorithm == "RS384" ? WriteRsaKey() : WriteEcKey();
        AnswerFhir();
        using var host = SmartHost(algorithm);

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.True(result.AllSent);
        Assert.Single(Requests("/fhir/.well-known/smart-configuration"));
        var tokenRequest = Assert.Single(Requests("/auth/token"));
        Assert.StartsWith("application/x-www-form-urlencoded", WireMockFhir.Header(tokenRequest, "Content-Type"), StringComparison.Ordinal);
        var form = HttpUtility.ParseQueryString(tokenRequest.RequestMessage.Body!);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
        Assert.Equal("system/*.cruds", form["scope"]);

        var assertion = new JsonWebToken(form["client_assertion"]);
        Assert.Equal(algorithm, assertion.Alg);
        Assert.Equal("key-1", assertion.Kid);
        Assert.Equal("JWT", assertion.Typ);
        Assert.Equal(ClientId, assertion.Issuer);
        Assert.Equal(ClientId, assertion.Subject);
        Assert.Equal([_server.Url + "/auth/token"], assertion.Audiences);
        Assert.False(string.IsNullOrEmpty(assertion.Id));
        Assert.Equal(host.Clock.GetUtcNow().UtcDateTime, assertion.IssuedAt, TimeSpan.FromSeconds(1));
        Assert.InRange(assertion.ValidTo - assertion.IssuedAt, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(assertion.EncodedToken, new TokenValidationParameters
        {
            ValidIssuer = ClientId,
            ValidAudience = _server.Url + "/auth/token",
            IssuerSigningKey = publicKey,
            ValidateLifetime = false,
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);

        Assert.Equal("Bearer tok-1", WireMockFhir.Header(Assert.Single(Requests("/fhir")), "Authorization"));
    }

    [Fact]
    public async Task Keeps_the_token_until_shortly_before_it_expires_and_signs_each_assertion_with_a_new_jti()
    {
        WriteRsaKey();
        AnswerFhir();
        using var host = SmartHost("RS384");

        await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));
        host.Clock.Advance(TimeSpan.FromSeconds(260));
        await host.SendAsync(TestBundles.PatientKey(2), TestBundles.Patient(2));
        Assert.Single(Requests("/auth/token"));

        // 300 s lifetime less the 30 s skew.
        host.Clock.Advance(TimeSpan.FromSeconds(10));
        await host.SendAsync(TestBundles.PatientKey(3), TestBundles.Patient(3));

        var tokenRequests = Requests("/auth/token");
        Assert.Equal(2, tokenRequests.Count);
        Assert.Single(Requests("/fhir/.well-known/smart-configuration"));
        var jtis = tokenRequests.Select(r => new JsonWebToken(HttpUtility.ParseQueryString(r.RequestMessage.Body!)["client_assertion"]).Id).ToList();
        Assert.NotEqual(jtis[0], jtis[1]);
        Assert.Equal(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"], Requests("/fhir").Select(r => WireMockFhir.Header(r, "Authorization")));
    }

    [Fact]
    public async Task A_401_fetches_a_new_token_once_and_repeats_the_request_once()
    {
        WriteRsaKey();
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).InScenario("auth").WillSetStateTo("revoked-once")
            .RespondWith(Response.Create().WithStatusCode(401));
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).InScenario("auth").WhenStateIs("revoked-once")
            .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, _fhir.Respond(r.Body!))));
        using var host = SmartHost("RS384");

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.True(result.AllSent);
        Assert.Equal(2, Requests("/auth/token").Count);
        Assert.Equal(["Bearer tok-1", "Bearer tok-2"], Requests("/fhir").Select(r => WireMockFhir.Header(r, "Authorization")));
    }

    [Fact]
    public async Task A_401_after_the_refresh_leaves_the_entries_waiting()
    {
        WriteRsaKey();
        _server.Given(Request.Create().WithPath("/fhir").UsingPost()).RespondWith(Response.Create().WithStatusCode(401));
        using var host = SmartHost("RS384");

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Equal(2, Requests("/fhir").Count);
        Assert.Equal(2, Requests("/auth/token").Count);
        Assert.All(result.Entries, e => Assert.Equal(Sending.EntryOutcome.RetryLater, e.Outcome));
        Assert.All(result.Entries, e => Assert.Equal(401, e.HttpStatus));
    }

    [Fact]
    public async Task A_configured_token_URL_skips_discovery_and_a_refused_client_leaves_the_entries_queued()
    {
        WriteRsaKey();
        _server.Given(Request.Create().WithPath("/other/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"error":"invalid_client"}"""));
        using var host = SmartHost("RS384", new Dictionary<string, string?> { ["Auth:TokenUrl"] = _server.Url + "/other/token" });

        var result = await host.SendAsync(TestBundles.PatientKey(1), TestBundles.Patient(1));

        Assert.Empty(Requests("/fhir/.well-known/smart-configuration"));
        Assert.Single(Requests("/other/token"));
        Assert.Empty(Requests("/fhir"));
        Assert.All(result.Entries, e => Assert.Equal(Sending.EntryOutcome.RetryLater, e.Outcome));
        Assert.Equal("token endpoint refused the client: HTTP 400", result.Entries[0].Reason);
    }

    private ExchangeTestHost SmartHost(string algorithm, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Type"] = "SmartBackend",
            ["Auth:ClientId"] = ClientId,
            ["Auth:PrivateKeyPath"] = _keyPath,
            ["Auth:KeyId"] = "key-1",
            ["Auth:Algorithm"] = algorithm,
        };
        foreach (var (k, v) in more ?? [])
        {
            settings[k] = v;
        }

        return ExchangeTestHost.Create(_server.Url + "/fhir", settings);
    }

    private void AnswerFhir() => _server.Given(Request.Create().WithPath("/fhir").UsingPost())
        .RespondWith(Response.Create().WithCallback(r => WireMockFhir.Json(200, _fhir.Respond(r.Body!))));

    private List<ILogEntry> Requests(string path) => _server.LogEntries.Where(l => l.RequestMessage.Path == path).ToList();

    private RsaSecurityKey WriteRsaKey()
    {
        using var rsa = RSA.Create(2048);
        File.WriteAllText(_keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return new RsaSecurityKey(rsa.ExportParameters(false));
    }

    private ECDsaSecurityKey WriteEcKey()
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        File.WriteAllText(_keyPath, ec.ExportECPrivateKeyPem());
        var publicOnly = ECDsa.Create(ec.ExportParameters(false));
        ec.Dispose();
        return new ECDsaSecurityKey(publicOnly);
    }

    public void Dispose()
    {
        _server.Dispose();
        File.Delete(_keyPath);
    }
}
