using System.Diagnostics;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// <c>loop [--type T] [--seconds S]</c>: validates the corpus's resources (of one type, or all in bundle order) one
/// after the other for a while, so that a profiler (<c>dotnet-trace collect -- ...</c>) sees a warm validator only.
/// </summary>
internal static class ValidateLoop
{
    public static int Run(string[] args)
    {
        var type = Option(args, "--type");
        var seconds = double.Parse(Option(args, "--seconds") ?? "20", System.Globalization.CultureInfo.InvariantCulture);
        var resources = Corpus.Instance.Resources.Where(r => type is null || r.TypeName == type).ToList();
        var validator = Corpus.Validator;
        foreach (var resource in resources.Take(64))
            _ = validator.Validate(resource);

        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var gcs = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var count = 0;
        var issues = 0;
        void Loop()
        {
            while (clock.Elapsed.TotalSeconds < seconds)
                issues += validator.Validate(resources[count++ % resources.Count]).Issue.Count;
        }

        if (args.Contains("--pool"))
            Task.Run(Loop).Wait();
        else
            Loop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        gcs = GC.CollectionCount(0) - gcs;
        allocated = GC.GetTotalAllocatedBytes() - allocated;
        Console.WriteLine($"{count} validations of {type ?? "all types"} in {clock.Elapsed.TotalSeconds:F1} s: {clock.Elapsed.TotalMicroseconds / count:F0} µs wall, {cpu.TotalMicroseconds / count:F0} µs CPU each ({issues} issues); {allocated / count / 1024} KB allocated each, {gcs} GCs, {GC.GetTotalPauseDuration().TotalMilliseconds / count * 1000:F0} µs GC pause each; live heap {heap / 1e6:F0} MB before, {GC.GetTotalMemory(forceFullCollection: true) / 1e6:F0} MB after");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
