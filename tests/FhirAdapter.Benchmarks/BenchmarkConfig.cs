using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// A short job so that the full suite finishes in a few minutes on 2 cores: in process (no generated project to
/// build, and the validator and corpus are loaded once), 2 warm-up and 5 measured iterations of about 250 ms.
/// Pass <c>--job default</c>-style BenchmarkDotNet options to override, <c>--filter</c> to pick benchmarks.
/// </summary>
internal sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        // Loggers, columns, exporters (markdown, CSV, HTML into BenchmarkDotNet.Artifacts/) and analysers of the default config.
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        WithOptions(ConfigOptions.JoinSummary);
    }
}
