using System.Diagnostics;
using System.Net;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ClientRegistrationTests(ApiFixture api)
{
    [Fact]
    public async Task A_client_added_at_run_time_with_a_JWKS_url_gets_a_token_and_rotates_its_key_without_a_restart()
    {
        var client = TestClient.Ec("ehr-jwks-url");
        var rotated = TestClient.Ec("ehr-jwks-url", kid: "ehr-jwks-url-2027"); // the same client's next key, under its own kid
        var served = client.PublicJwks();
        var fetches = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        await using var jwksHost = builder.Build();
        jwksHost.MapGet("/jwks.json", () =>
        {
            Interlocked.Increment(ref fetches);
            return Results.Text(Volatile.Read(ref served), "application/json");
        });
        await jwksHost.StartAsync();

        var registry = api.Services.GetRequiredService<IApiClientRegistry>();
        await registry.AddAsync(new ApiClientOptions { ClientId = client.ClientId, OrganizationId = "bhn", JwksUrl = $"{jwksHost.Urls.First()}/jwks.json", Scopes = "system/*.rs" }, default);
        Assert.Contains(await registry.ListAsync(default), c => c.ClientId == client.ClientId && c.Source == "store");
        var token = await api.TokenAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("fhir/Patient", token)).Status);

        // The client publishes a new key at its URL and signs with it: an unknown kid makes the server fetch the set
        // again, but not more than once a minute (a forged kid must not make us hammer the client's server).
        Volatile.Write(ref served, rotated.PublicJwks());
        var (tooSoon, _) = await api.RequestTokenAsync(rotated.Assertion(api.TokenUrl, api.Time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Unauthorized, tooSoon);
        Assert.Equal(1, Volatile.Read(ref fetches));
        api.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("fhir/Patient", await api.TokenAsync(rotated))).Status);
        Assert.Equal(2, Volatile.Read(ref fetches));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(client.Assertion(api.TokenUrl, api.Time.GetUtcNow()))).Status);

        Assert.True(await registry.RemoveAsync(client.ClientId, default));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("fhir/Patient", token)).Status);
    }

    [Fact]
    public async Task An_invalid_registration_is_refused_naming_each_problem()
    {
        var registry = api.Services.GetRequiredService<IApiClientRegistry>();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => registry.AddAsync(new ApiClientOptions { ClientId = "x", Scopes = "system/*.cruds", Jwks = """{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}""" }, default));
        Assert.Contains("OrganizationId", error.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
        Assert.Contains("private", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_is_validated_on_start_and_a_nested_JWK_object_is_accepted()
    {
        var jwks = System.Text.Json.JsonDocument.Parse(api.Rsa.PublicJwks()).RootElement.GetProperty("keys")[0];
        var settings = new Dictionary<string, string?>
        {
            ["Adapter:Api:AccessTokenLifetime"] = "01:00:00",
            ["Adapter:Api:Clients:0:ClientId"] = "a",
            ["Adapter:Api:Clients:0:OrganizationId"] = "bhn",
            ["Adapter:Api:Clients:1:ClientId"] = "b",
            ["Adapter:Api:Clients:1:JwksUrl"] = "http://ehr.example/jwks.json",
        };
        foreach (var property in jwks.EnumerateObject())
        {
            settings[$"Adapter:Api:Clients:0:Jwks:keys:0:{property.Name}"] = property.Value.GetString();
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddFhirApi(configuration).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<FhirApiOptions>>().Value);
        Assert.True(error.Message.Contains("Adapter:Api:AccessTokenLifetime", StringComparison.Ordinal), string.Join(" // ", error.Failures));
        Assert.True(error.Message.Contains("Adapter:Api:Clients:1:OrganizationId", StringComparison.Ordinal), string.Join(" // ", error.Failures));
        Assert.Contains("Adapter:Api:Clients:1:JwksUrl", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Adapter:Api:Clients:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shell_recipe_of_the_docs_gets_a_token()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var script = Path.Combine(AppContext.BaseDirectory, "tools", "smart-client.sh");
        var dir = Path.Combine(api.Directory, "shell-client");
        await RunAsync(script, "keygen", dir);
        await api.Services.GetRequiredService<IApiClientRegistry>().AddAsync(new ApiClientOptions
        {
            ClientId = "ehr-shell", OrganizationId = "bhn", Jwks = await File.ReadAllTextAsync(Path.Combine(dir, "jwks.json")), Scopes = "system/*.rs",
        }, default);
        var assertion = (await RunAsync(script, "assertion", dir, "ehr-shell", api.TokenUrl)).Trim();
        var (status, body) = await api.RequestTokenAsync(assertion);
        Assert.True(status == HttpStatusCode.OK, body.ToString());

        if (File.Exists("/usr/bin/curl") || File.Exists("/bin/curl"))
        {
            var answer = System.Text.Json.JsonDocument.Parse(await RunAsync(script, "token", dir, "ehr-shell", api.TokenUrl, "system/Patient.rs")).RootElement;
            Assert.Equal("system/Patient.rs", answer.GetProperty("scope").GetString());
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("fhir/Patient", answer.GetProperty("access_token").GetString())).Status);
        }
    }

    private async Task<string> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SMART_NOW"] = api.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        return output;
    }
}
