using System.Net;
using FhirAdapter.Api.Export;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// One instance of the API, as the worker's web host maps it, on real Kestrel at 127.0.0.1 (a port of its own, or a
/// given one: the same instance restarted), over the store and export folder that <paramref name="settings"/> name.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app)
    {
        _app = app;
        BaseAddress = new Uri(app.Urls.First() + "/");
    }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public IServiceProvider Services => _app.Services;

    public string TokenUrl => new Uri(BaseAddress, "auth/token").AbsoluteUri;

    /// <summary>This instance's export runner (for its test hook).</summary>
    public ExportRunner Runner => _app.Services.GetServices<IHostedService>().OfType<ExportRunner>().Single();

    public static async Task<ApiHost> StartAsync(IDictionary<string, string?> settings, TimeProvider time, int port = 0, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.Services.AddSingleton(time);
        builder.Services.AddFhirApi(builder.Configuration);
        var app = builder.Build();
        app.MapFhirApi();
        await app.StartAsync();
        return new ApiHost(app);
    }

    /// <summary>The settings of the given clients (each with its organization and scopes), as Adapter:Api:Clients:N.</summary>
    public static void AddClients(IDictionary<string, string?> settings, params (TestClient Client, string Org, string Scopes, int? Limit)[] clients)
    {
        for (var i = 0; i < clients.Length; i++)
        {
            settings[$"Adapter:Api:Clients:{i}:ClientId"] = clients[i].Client.ClientId;
            settings[$"Adapter:Api:Clients:{i}:OrganizationId"] = clients[i].Org;
            settings[$"Adapter:Api:Clients:{i}:Jwks"] = clients[i].Client.PublicJwks();
            settings[$"Adapter:Api:Clients:{i}:Scopes"] = clients[i].Scopes;
            if (clients[i].Limit is { } limit)
            {
                settings[$"Adapter:Api:Clients:{i}:PermitLimit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
