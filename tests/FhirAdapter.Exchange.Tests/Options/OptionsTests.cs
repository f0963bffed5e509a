using FhirAdapter.Exchange.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Tests.Options;

public sealed class OptionsTests
{
    [Fact]
    public void Every_setting_has_a_default()
    {
        var d = Build(new() { ["Name"] = "pbpca", ["OrganizationId"] = "pbpca", ["BaseUrl"] = "https://ehr.example.org/fhir" })
            .GetRequiredService<IOptions<ExchangeOptions>>().Value.Destinations.Single();

        Assert.Equal(100, d.MaxBundleEntries);
        Assert.Equal(4, d.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(30), d.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(3), d.TotalTimeout);
        Assert.Equal(4, d.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), d.BackoffBase);
        Assert.Equal(AuthType.None, d.Auth.Type);
        Assert.Equal(SigningAlgorithm.RS384, d.Auth.Algorithm);
        Assert.Equal(0.5, d.CircuitBreaker.FailureRatio);
    }

    [Fact]
    public void Validation_runs_on_start_and_names_the_key_of_each_problem()
    {
        var services = Build(new()
        {
            ["Name"] = "pbpca",
            ["BaseUrl"] = "ehr.example.org/fhir",
            ["MaxBundleEntries"] = "0",
            ["Auth:Type"] = "SmartBackend",
            ["Auth:PrivateKeyPath"] = "/nonexistent/key.pem",
            ["CircuitBreaker:FailureRatio"] = "1.5",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Adapter:Destinations:0:BaseUrl must be an absolute http(s) URL", error.Failures);
        Assert.Contains("Adapter:Destinations:0:OrganizationId is required", error.Failures);
        Assert.Contains("Adapter:Destinations:0:MaxBundleEntries must be between 1 and 10000", error.Failures);
        Assert.Contains("Adapter:Destinations:0:Auth:ClientId is required when Adapter:Destinations:0:Auth:Type is SmartBackend", error.Failures);
        Assert.Contains("Adapter:Destinations:0:Auth:PrivateKeyPath names no readable file", error.Failures);
        Assert.Contains("Adapter:Destinations:0:CircuitBreaker:FailureRatio must be greater than 0 and at most 1", error.Failures);
    }

    [Fact]
    public void A_bearer_destination_needs_a_token_and_the_token_never_appears_in_messages()
    {
        var services = Build(new() { ["Name"] = "a", ["OrganizationId"] = "a", ["BaseUrl"] = "http://x/fhir", ["Auth:Type"] = "Bearer" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(["Adapter:Destinations:0:Auth:Token is required when Adapter:Destinations:0:Auth:Type is Bearer"], error.Failures);
    }

    [Fact]
    public void Registered_twice_the_destinations_are_bound_and_checked_once()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Adapter:Destinations:0:Name"] = "a",
                ["Adapter:Destinations:0:OrganizationId"] = "a",
                ["Adapter:Destinations:0:BaseUrl"] = "http://x/fhir",
                ["Adapter:Destinations:0:MaxConcurrency"] = "0",
            })
            .Build();
        using var services = new ServiceCollection().AddFhirExchange(configuration).AddFhirExchange(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(["Adapter:Destinations:0:MaxConcurrency must be between 1 and 256"], error.Failures);
    }

    private static ServiceProvider Build(Dictionary<string, string?> destination)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(destination.Select(kv => new KeyValuePair<string, string?>($"Adapter:Destinations:0:{kv.Key}", kv.Value)))
            .Build();
        return new ServiceCollection().AddFhirExchange(configuration).BuildServiceProvider();
    }
}
