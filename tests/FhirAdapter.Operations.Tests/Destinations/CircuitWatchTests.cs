using FhirAdapter.Operations.Destinations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace FhirAdapter.Operations.Tests.Destinations;

/// <summary>The circuit's state comes from Polly's telemetry, as the exchange's real pipeline for a destination reports it.</summary>
public sealed class CircuitWatchTests
{
    [Fact]
    public async Task A_destinations_circuit_shows_open_once_its_pipeline_breaks_and_closed_before()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Adapter:Destinations:0:Name"] = "ehr-watch",
            ["Adapter:Destinations:0:OrganizationId"] = "ehr-watch",
            ["Adapter:Destinations:0:BaseUrl"] = "http://127.0.0.1:9/fhir", // discard port: nothing listens, every attempt fails at once
            ["Adapter:Destinations:0:MaxRetryAttempts"] = "0",
            ["Adapter:Destinations:0:CircuitBreaker:MinimumThroughput"] = "2",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddFhirExchange(configuration);
        await using var provider = services.BuildServiceProvider();
        using var watch = new CircuitWatch(TimeProvider.System);
        Assert.Equal(("closed", (DateTimeOffset?)null), watch.StateOf("ehr-watch"));

        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("FhirAdapter.Exchange:ehr-watch");
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri("http://127.0.0.1:9/fhir/metadata")));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => http.GetAsync(new Uri("http://127.0.0.1:9/fhir/metadata")));
        var (state, since) = watch.StateOf("ehr-watch");
        Assert.Equal("open", state);
        Assert.NotNull(since);
        Assert.Equal("closed", watch.StateOf("another").State);
    }
}
