using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Hosting;

/// <summary>
/// A bad value stops the service or a command before it does anything (exit 2), with one line that names the full
/// configuration key, whichever options class (and nested section or list item) holds it, and no stack trace: a value
/// out of range and a value of the wrong type alike.
/// </summary>
public sealed class ConfigurationErrorTests
{
    private static readonly string[] Destination =
        ["--Adapter:Destinations:0:Name=ehr", "--Adapter:Destinations:0:OrganizationId=pbpca", "--Adapter:Destinations:0:BaseUrl=http://127.0.0.1:9/fhir"];

    [Theory]
    [InlineData("--Adapter:Destinations:0:MaxConcurrency=0", "Adapter:Destinations:0:MaxConcurrency must be between 1 and 256")]
    [InlineData("--Adapter:Destinations:0:CircuitBreaker:MinimumThroughput=1", "Adapter:Destinations:0:CircuitBreaker:MinimumThroughput must be between 2 and 100000")]
    [InlineData("--Adapter:Destinations:0:Auth:TokenUrl=ftp://ehr/token", "Adapter:Destinations:0:Auth:TokenUrl must be an absolute http(s) URL")]
    [InlineData("--Adapter:RemapBatchSize=0", "Adapter:RemapBatchSize must be between 1 and 1000")]
    [InlineData("--Adapter:InboxSettleTime=02:00:00", "Adapter:InboxSettleTime must be between 00:00:00 and 01:00:00")]
    [InlineData("--Adapter:Validation:FastPathDoubleCheck=2", "Adapter:Validation:FastPathDoubleCheck must be between 0 and 1")]
    [InlineData("--Adapter:Validation:FastPathDoubleCheck=NaN", "Adapter:Validation:FastPathDoubleCheck must be between 0 and 1")]
    [InlineData("--Adapter:Store:BusyTimeout=00:30:00", "Adapter:Store:BusyTimeout must be between 00:00:01 and 00:10:00")]
    [InlineData("--Adapter:Mapping:CanonicalBase=ftp://clinic.example/fhir", "Adapter:Mapping:CanonicalBase must be an absolute http(s) URL")]
    [InlineData("--Adapter:Logging:Json=maybe", "Adapter:Logging:Json must be true or false")]
    [InlineData("--Adapter:Logging:Level=loud", "Adapter:Logging:Level must be one of Verbose, Debug, Information, Warning, Error, Fatal")]
    [InlineData("--Adapter:RemapBatchSize=many", "Adapter:RemapBatchSize must be a whole number")]
    [InlineData("--Adapter:Validation:FastPathDoubleCheck=often", "Adapter:Validation:FastPathDoubleCheck must be a number")]
    [InlineData("--Adapter:Destinations:0:MaxConcurrency=many", "Adapter:Destinations:0:MaxConcurrency must be a whole number")]
    [InlineData("--Adapter:Store:BusyTimeout=1h", "Adapter:Store:BusyTimeout must be a duration such as 00:05:00")]
    public async Task A_command_host_fails_at_start_naming_the_full_key(string setting, string message)
    {
        using var setup = new SyncSetup(serverBaseUrl: null);

        var run = await Cli.RunAsync(["sync", "--once", .. setup.Configuration, .. Destination, setting]);

        Assert.True(run.ExitCode == 2, run.Error);
        Assert.Contains(message, run.Error.Split(Environment.NewLine), StringComparer.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Adapter:Api:Url=not a url", "Adapter:Api:Url must be an absolute http(s) URL")]
    [InlineData("--Adapter:Api:RateLimit:PermitLimit=0", "Adapter:Api:RateLimit:PermitLimit must be between 1 and 2147483647")]
    [InlineData("--Adapter:Api:Export:PollInterval=00:10:00", "Adapter:Api:Export:PollInterval must be between 00:00:01 and 00:05:00")]
    [InlineData("--Adapter:Api:PublicBaseUrl=https://adapter.example/?x=1", "Adapter:Api:PublicBaseUrl must be an absolute http(s) URL without a query")]
    [InlineData("--Adapter:Console:SessionLifetime=00:00:10", "Adapter:Console:SessionLifetime must be between 00:01:00 and 1.00:00:00")]
    [InlineData("--Adapter:Console:MaxFailedSignIns=0", "Adapter:Console:MaxFailedSignIns must be between 1 and 100")]
    [InlineData("--Adapter:Api:Clients:0:PermitLimit=0", "Adapter:Api:Clients:0:PermitLimit must be at least 1")]
    [InlineData("--Adapter:Api:Clients:0:PermitLimit=many", "Adapter:Api:Clients:0:PermitLimit must be a whole number")]
    [InlineData("--Adapter:Telemetry:Console=maybe", "Adapter:Telemetry:Console must be true or false")]
    [InlineData("--Adapter:Logging:Level=loud", "Adapter:Logging:Level must be one of Verbose, Debug, Information, Warning, Error, Fatal")]
    [InlineData("--Adapter:Console:MaxFailedSignIns=many", "Adapter:Console:MaxFailedSignIns must be a whole number")]
    public async Task The_service_fails_at_start_naming_the_full_key(string setting, string message)
    {
        using var setup = new SyncSetup(serverBaseUrl: null);

        // A service that started after all would run until stopped: the wait ends the test instead of hanging it.
        var run = await Cli.RunAsync([.. setup.Configuration, "--Adapter:Api:Url=http://127.0.0.1:0", setting]).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 2, run.Error);
        Assert.Contains(message, run.Error.Split(Environment.NewLine), StringComparer.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_validate_command_checks_the_validation_options_it_binds()
    {
        var run = await Cli.RunAsync("validate", "--input", RepoPaths.Inbox, "--Adapter:Validation:FastPathDoubleCheck=-1");

        Assert.True(run.ExitCode == 2, run.Error);
        Assert.Contains("Adapter:Validation:FastPathDoubleCheck must be between 0 and 1", run.Error.Split(Environment.NewLine), StringComparer.Ordinal);
    }

    [Fact]
    public async Task Bad_values_in_several_sections_are_each_named_once_without_the_hosts_stack_trace()
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        // The real program, for what it writes to the console besides the command's own lines (the host's start failure log).
        using var worker = WorkerProcess.Start(setup.Root, [.. setup.Args("sync", "--once"), "--Adapter:RemapBatchSize=0", "--Adapter:Store:BusyTimeout=00:30:00"]);

        var exitCode = await worker.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 2, worker.Output);
        Assert.Equal(
            ["Adapter:RemapBatchSize must be between 1 and 1000", "Adapter:Store:BusyTimeout must be between 00:00:01 and 00:10:00"],
            worker.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }
}
