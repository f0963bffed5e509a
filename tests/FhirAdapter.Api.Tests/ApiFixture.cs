using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Testing;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// The API on real Kestrel at 127.0.0.1 with port 0, over a store loaded with the samples, on a fake clock set to
/// 2026-03-20 (when the samples' consents are in force). One host for the whole test run.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    private ApiHost? _host;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "fhiradapter-api-tests", Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Time { get; } = new(Now);

    internal TestClient Rsa { get; } = TestClient.Rsa("ehr-rsa");

    internal TestClient Ec { get; } = TestClient.Ec("ehr-ec");

    internal TestClient PatientOnly { get; } = TestClient.Rsa("ehr-patient-only");

    internal TestClient Nobody { get; } = TestClient.Ec("ehr-nobody");

    internal TestClient Limited { get; } = TestClient.Rsa("ehr-limited");

    /// <summary>The organization of the consent cases (<see cref="FhirAdapter.Testing.ConsentCases"/>), also allowed to read its accounting.</summary>
    internal TestClient CaseEhr { get; } = TestClient.Rsa("ehr-case");

    /// <summary>The cases' other organization, also allowed to read its accounting.</summary>
    internal TestClient CaseOther { get; } = TestClient.Ec("ehr-case-other");

    public IAdapterStore Store { get; private set; } = null!;

    public IServiceProvider Services => _host!.Services;

    public Uri BaseAddress { get; private set; } = null!;

    public string TokenUrl => new Uri(BaseAddress, "auth/token").AbsoluteUri;

    public HttpClient Http { get; } = new();

    public async System.Threading.Tasks.Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var database = Path.Combine(Directory, "adapter.db");
        Store = await SampleStore.CreateAsync(database, Time);

        var settings = new Dictionary<string, string?>
        {
            ["Adapter:Store:ConnectionString"] = $"Data Source={database}",
            ["Adapter:Api:Export:Directory"] = Path.Combine(Directory, "exports"),
        };
        ApiHost.AddClients(settings,
            (Rsa, "bhn", "system/*.rs", null), (Ec, "bhn", "system/*.read", null), (PatientOnly, "bhn", "system/Patient.rs", null),
            (Nobody, "nobody", "system/*.rs", null), (Limited, "bhn", "system/*.rs", 3),
            (CaseEhr, ConsentCases.Organization, "system/*.rs system/AuditEvent.rs", null),
            (CaseOther, ConsentCases.OtherOrganization, "system/*.rs system/AuditEvent.rs", null));
        _host = await ApiHost.StartAsync(settings, Time, logging: l => l.AddFakeLogging().SetMinimumLevel(LogLevel.Debug));
        BaseAddress = _host.BaseAddress;
    }

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Http.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>POSTs to the token endpoint.</summary>
    internal async Task<(HttpStatusCode Status, JsonElement Body)> RequestTokenAsync(string assertion, string scope = "system/*.rs")
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = scope,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        });
        using var response = await Http.PostAsync(new Uri(TokenUrl), form);
        return (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()));
    }

    internal async Task<string> TokenAsync(TestClient client, string scope = "system/*.rs")
    {
        var (status, body) = await RequestTokenAsync(client.Assertion(TokenUrl, Time.GetUtcNow()), scope);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("access_token").GetString()!;
    }

    internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathOrUrl, string? token, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? new Uri(pathOrUrl) : new Uri(BaseAddress, pathOrUrl.TrimStart('/')));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        return await Http.SendAsync(request);
    }

    internal async Task<(HttpStatusCode Status, Resource? Resource, HttpResponseMessage Response)> GetAsync(string pathOrUrl, string? token)
    {
        var response = await SendAsync(HttpMethod.Get, pathOrUrl, token);
        var text = await response.Content.ReadAsStringAsync();
        Resource? resource = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/fhir+json")
        {
            resource = FhirJson.Parse<Resource>(text);
        }

        return (response.StatusCode, resource, response);
    }

    internal async Task<Bundle> SearchAsync(string path, string token)
    {
        var (status, resource, _) = await GetAsync(path, token);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {(resource is OperationOutcome o ? o.Issue[0].Diagnostics : "")}");
        return Assert.IsType<Bundle>(resource);
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
