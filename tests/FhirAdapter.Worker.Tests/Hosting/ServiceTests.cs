using System.Net;
using System.Net.Sockets;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Hosting;

/// <summary>The service as clinic IT starts it: no command, embedded defaults plus a store and a port of its own.</summary>
public sealed class ServiceTests
{
    [Fact]
    public async Task The_service_syncs_at_start_and_answers_health_and_FHIR_metadata()
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        var port = FreePort();
        using var service = WorkerProcess.Start(setup.Root, [.. setup.Configuration, $"--Adapter:Api:Url=http://127.0.0.1:{port}", "--Adapter:Api:PublicBaseUrl=http://127.0.0.1:" + port]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        var ready = await PollAsync(http, "/health/ready", TimeSpan.FromSeconds(60));
        var metadata = await http.GetAsync(new Uri("/fhir/metadata", UriKind.Relative));
        var patients = await http.GetAsync(new Uri("/fhir/Patient", UriKind.Relative));
        var synced = await WaitForAsync(() => service.Output.Contains("Sync finished", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        Assert.True(ready == HttpStatusCode.OK, service.Output);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Contains("CapabilityStatement", await metadata.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, patients.StatusCode); // no anonymous access to patient data
        Assert.True(synced, service.Output);
        Assert.Contains("245 records read, 27 patients mapped", service.Output, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpStatusCode?> PollAsync(HttpClient http, string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                return (await http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }

        return null;
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        return condition();
    }
}
