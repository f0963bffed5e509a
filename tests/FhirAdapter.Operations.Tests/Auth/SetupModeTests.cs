using System.Net;
using FhirAdapter.Operations.Tests.Support;
using FhirAdapter.Worker.Hosting;
using Microsoft.AspNetCore.Builder;

namespace FhirAdapter.Operations.Tests.Auth;

/// <summary>A fresh service with no operator yet: open to this machine only, operational pages only, saying how to add one.</summary>
public sealed class SetupModeTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fhiradapter-console-setup", Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;
    private ConsoleClient _client = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "inbox"));
        _app = AdapterHost.BuildService([
            $"--Adapter:Inbox={Path.Combine(_directory, "inbox")}", $"--Adapter:Store:ConnectionString=Data Source={Path.Combine(_directory, "a.db")}",
            "--Adapter:Api:Url=http://127.0.0.1:0", "--Adapter:RunAtStart=false", "--Adapter:Schedule=0 0 1 * *", "--Adapter:Logging:Level=Warning",
            $"--Adapter:Api:Export:Directory={Path.Combine(_directory, "exports")}",
        ]);
        await _app.StartAsync();
        _client = new ConsoleClient(new Uri(_app.Urls.Single() + "/"));
    }

    [Fact]
    public async Task From_this_machine_the_operational_pages_open_without_sign_in_and_say_how_to_add_an_operator()
    {
        foreach (var path in new[] { "/", "/destinations", "/quarantine" })
        {
            var page = await _client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var banner = page.Document.QuerySelector(".banner")!.TextContent;
            Assert.Contains("No operator has been added yet", banner, StringComparison.Ordinal);
            Assert.Contains("operators add NAME --role privacy", banner, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Patient_pages_still_need_a_privacy_sign_in()
    {
        var page = await _client.GetAsync("/patients");
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/signin", page.Location!.AbsolutePath);

        var signIn = await _client.GetAsync(page.Location.PathAndQuery);
        Assert.Contains("operators add NAME --role privacy", signIn.Text, StringComparison.Ordinal);
        Assert.Null(signIn.Document.QuerySelector("input[type=password]"));
    }

    [Fact]
    public async Task A_request_through_a_proxy_is_not_taken_for_a_local_one()
    {
        var page = await _client.GetAsync("/", r => r.Headers.Add("X-Forwarded-For", "203.0.113.9"));
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/signin", page.Location!.AbsolutePath);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
