using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Worker.Tests.Commands;

/// <summary>
/// <c>clients add | list | remove</c> against a running API on the same store: what the command registers, the
/// running service honours at once (no restart), a new key replaces the old one, a removed client's token stops working.
/// </summary>
public sealed class ClientsCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task A_client_added_by_the_command_gets_a_token_from_the_running_service_then_rotates_its_key_and_is_removed()
    {
        var database = Path.Combine(_dir.Path, "adapter.db");
        var store = $"--Adapter:Store:ConnectionString=Data Source={database}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Adapter:Store:ConnectionString"] = $"Data Source={database}",
            ["Adapter:Api:Export:Directory"] = Path.Combine(_dir.Path, "exports"),
        });
        builder.Logging.ClearProviders();
        builder.Services.AddFhirApi(builder.Configuration);
        await using var app = builder.Build();
        app.MapFhirApi();
        await app.StartAsync();
        var tokenUrl = $"{app.Urls.First()}/auth/token";
        using var http = new HttpClient();

        var client = TestClient.Rsa("ehr-cli");
        var keyFile = Path.Combine(_dir.Path, "ehr-cli.jwks.json");
        await File.WriteAllTextAsync(keyFile, client.PublicJwks());
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(http, tokenUrl, client)).Status);

        var add = await Cli.RunAsync("clients", "add", "--id", "ehr-cli", "--organization", "bhn", "--jwks", keyFile, "--scopes", "system/*.rs", store);
        Assert.True(add.ExitCode == 0, add.Error);
        Assert.Contains("Registered client ehr-cli", add.Output, StringComparison.Ordinal);
        var (status, token) = await TokenAsync(http, tokenUrl, client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, await SearchAsync(http, app.Urls.First(), token!));

        var list = await Cli.RunAsync("clients", "list", store);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("ehr-cli  organization bhn, treatment, scopes system/*.rs, keys 1 key (ehr-cli-rsa)", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"n\"", list.Output, StringComparison.Ordinal);

        // A new key, registered again: the old key no longer gets tokens, the new one does, without a restart.
        var rotated = TestClient.Rsa("ehr-cli", kid: "ehr-cli-2027");
        await File.WriteAllTextAsync(keyFile, rotated.PublicJwks());
        Assert.Equal(0, (await Cli.RunAsync("clients", "add", "--id", "ehr-cli", "--organization", "bhn", "--jwks", keyFile, store)).ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(http, tokenUrl, client)).Status);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, tokenUrl, rotated)).Status);

        var remove = await Cli.RunAsync("clients", "remove", "ehr-cli", store);
        Assert.True(remove.ExitCode == 0, remove.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, await SearchAsync(http, app.Urls.First(), token!));
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(http, tokenUrl, rotated)).Status);
        Assert.Equal(1, (await Cli.RunAsync("clients", "remove", "ehr-cli", store)).ExitCode);
    }

    [Fact]
    public async Task A_bad_registration_is_refused_naming_the_problem_and_nothing_is_stored()
    {
        var store = $"--Adapter:Store:ConnectionString=Data Source={Path.Combine(_dir.Path, "adapter.db")}";
        var both = await Cli.RunAsync("clients", "add", "--id", "x", "--organization", "bhn", store);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--jwks-url", both.Error, StringComparison.Ordinal);

        var http = await Cli.RunAsync("clients", "add", "--id", "x", "--organization", "bhn", "--jwks-url", "http://ehr.example/jwks.json", "--scopes", "system/*.cruds", store);
        Assert.Equal(2, http.ExitCode);
        Assert.Contains("JwksUrl must be an absolute https URL", http.Error, StringComparison.Ordinal);
        Assert.Contains("read-only", http.Error, StringComparison.Ordinal);
        Assert.Contains("0 clients.", (await Cli.RunAsync("clients", "list", store)).Output, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string? Token)> TokenAsync(HttpClient http, string tokenUrl, TestClient client)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "system/*.rs",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = client.Assertion(tokenUrl, DateTimeOffset.UtcNow),
        });
        using var response = await http.PostAsync(new Uri(tokenUrl), form);
        var body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, response.IsSuccessStatusCode ? body.GetProperty("access_token").GetString() : null);
    }

    private static async Task<HttpStatusCode> SearchAsync(HttpClient http, string baseUrl, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/fhir/Patient");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
