using BenchmarkDotNet.Running;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/FhirAdapter.Benchmarks -- [BenchmarkDotNet options, e.g. --filter *Validation*]</c>
/// runs the micro-benchmarks; <c>-- pipeline --input DIR</c> times read, map, validate and serialize of an inbox in one
/// process (see <see cref="PipelineRun"/>); <c>-- store --input DIR</c> times the sync's store writes (<see cref="StoreWrites"/>);
/// <c>-- feed --server URL --input DIR</c> feeds a FHIR server directly, the baseline of the delivery rate (<see cref="DirectFeed"/>).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "pipeline")
            return await PipelineRun.RunAsync(args[1..]).ConfigureAwait(false);
        if (args.Length > 0 && args[0] == "loop")
            return ValidateLoop.Run(args[1..]);
        if (args.Length > 0 && args[0] == "differential")
            return DifferentialRun.Run(args[1..]);
        if (args.Length > 0 && args[0] == "store")
            return await StoreWrites.RunAsync(args[1..]).ConfigureAwait(false);
        if (args.Length > 0 && args[0] == "feed")
            return await DirectFeed.RunAsync(args[1..]).ConfigureAwait(false);

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new ShortConfig());
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
