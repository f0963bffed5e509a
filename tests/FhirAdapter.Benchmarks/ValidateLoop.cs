using System.Diagnostics;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// <c>loop [--type T] [--seconds S] [--fast-path true|false] [--pool]</c>: validates the corpus's resources (of one type,
/// or all in bundle order) one after the other for a while, so that a profiler (<c>dotnet-trace collect -- ...</c>)
/// sees a warm validator only. <c>--fast-path</c> overrides Adapter:Validation:FastPath (default: the option's default).
/// <c>loop --compare [--type T] [--seconds S]</c>: Firely alone and the fast path side by side, in alternating rounds
/// over the same resources, timed by wall clock and by the thread's own CPU time (steady on a busy machine).
/// </summary>
internal static class ValidateLoop
{
    public static int Run(string[] args)
    {
        if (args.Contains("--compare"))
            return Compare(args);

        var type = Option(args, "--type");
        var seconds = double.Parse(Option(args, "--seconds") ?? "20", System.Globalization.CultureInfo.InvariantCulture);
        var resources = Corpus.Instance.Resources.Where(r => type is null || r.TypeName == type).ToList();
        var validator = Option(args, "--fast-path") is { } fast ? (bool.Parse(fast) ? Corpus.FastValidator : Corpus.FirelyValidator) : Corpus.Validator;
        var counts = validator.FastPathCounts;
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
        var fastPath = validator.FastPathCounts;
        Console.WriteLine($"Fast path: {(validator.FastPathEnabled ? $"on, {fastPath.Accepted - counts.Accepted} accepted, {fastPath.SentToFirely - counts.SentToFirely} sent to Firely" : "off")}");
        Console.WriteLine($"{count} validations of {type ?? "all types"} in {clock.Elapsed.TotalSeconds:F1} s: {clock.Elapsed.TotalMicroseconds / count:F0} µs wall, {cpu.TotalMicroseconds / count:F0} µs CPU each ({issues} issues); {allocated / count / 1024} KB allocated each, {gcs} GCs, {GC.GetTotalPauseDuration().TotalMilliseconds / count * 1000:F0} µs GC pause each; live heap {heap / 1e6:F0} MB before, {GC.GetTotalMemory(forceFullCollection: true) / 1e6:F0} MB after");
        return 0;
    }

    private static int Compare(string[] args)
    {
        var type = Option(args, "--type");
        var seconds = double.Parse(Option(args, "--seconds") ?? "20", System.Globalization.CultureInfo.InvariantCulture);
        var resources = Corpus.Instance.Resources.Where(r => type is null || r.TypeName == type).ToList();
        FhirAdapter.Validation.FhirResourceValidator[] validators = [Corpus.FirelyValidator, Corpus.FastValidator];
        string[] names = ["Firely alone", "fast path"];
        var wall = new TimeSpan[2];
        var cpu = new TimeSpan[2];
        var bytes = new long[2];
        var counts = new long[2];
        var firstPass = new TimeSpan[2];
        var clock = Stopwatch.StartNew();
        var round = 0;
        const int Batch = 256;
        while (clock.Elapsed.TotalSeconds < seconds || round < 2)
        {
            for (var v = 0; v < 2; v++)
            {
                var start = (round / 2 * Batch) % resources.Count;
                var w = Stopwatch.GetTimestamp();
                var c = ThreadCpu.Now();
                var a = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < Batch; i++)
                    _ = validators[v].Validate(resources[(start + i) % resources.Count]);
                if (round >= 2)
                {
                    wall[v] += Stopwatch.GetElapsedTime(w);
                    cpu[v] += ThreadCpu.Now() - c;
                    bytes[v] += GC.GetAllocatedBytesForCurrentThread() - a;
                    counts[v] += Batch;
                }
            }

            round++;
        }

        Console.WriteLine($"{resources.Count} resources of {type ?? "all types"}, {counts[0]} validations each, alternating rounds of {Batch} (the first two rounds not counted):");
        for (var v = 0; v < 2; v++)
            Console.WriteLine($"  {names[v],-13} {wall[v].TotalMicroseconds / counts[v],8:F1} µs wall {cpu[v].TotalMicroseconds / counts[v],8:F1} µs thread CPU {bytes[v] / counts[v] / 1024.0,8:F1} KB allocated per resource");
        Console.WriteLine($"  fast path / Firely: {wall[1] / wall[0]:P1} of the wall time, {(cpu[0] > TimeSpan.Zero ? (cpu[1] / cpu[0]).ToString("P1", System.Globalization.CultureInfo.InvariantCulture) : "n/a")} of the thread CPU; fast path {Corpus.FastValidator.FastPathCounts}");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
