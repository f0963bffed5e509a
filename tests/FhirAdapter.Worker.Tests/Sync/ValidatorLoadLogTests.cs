using FhirAdapter.Validation;
using FhirAdapter.Worker.Diagnostics;
using FhirAdapter.Worker.Sync;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.Extensions.Logging.Testing;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// The worker logs where its validation plan came from, so that an operator can tell a slow start (the plan compiled,
/// as after new profiles) from a normal one (the plan saved by an earlier start, loaded).
/// </summary>
public sealed class ValidatorLoadLogTests
{
    [Fact]
    public async Task The_first_start_logs_a_compiled_plan_and_the_next_one_the_saved_plan_it_loaded()
    {
        using var setup = TickInbox.Create();
        using var planCache = new TempDir();
        string[] args = [.. setup.Configuration, $"--Adapter:Validation:PlanCachePath={planCache.Path}"];

        var first = await LoadMessageAsync(args);
        var second = await LoadMessageAsync(args);

        Assert.Contains("fast path plan compiled (", first, StringComparison.Ordinal);
        Assert.Contains($"fast path plan loaded from {planCache.Path}", second, StringComparison.Ordinal);
        Assert.Contains("Validator loaded in ", second, StringComparison.Ordinal);
    }

    private static async Task<string> LoadMessageAsync(string[] args)
    {
        await using var worker = new InProcessWorker(args, TimeProvider.System);
        var logger = new FakeLogger<ResourceValidator>();
        _ = new ResourceValidator(worker.Get<FhirResourceValidator>(), worker.Get<AdapterMetrics>(), logger);
        return Assert.Single(logger.Collector.GetSnapshot(), r => r.Message.StartsWith("Validator loaded", StringComparison.Ordinal)).Message;
    }
}
