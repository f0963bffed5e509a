using System.Diagnostics;
using FhirAdapter.Testing;
using FhirAdapter.Testing.Validation;
using FhirAdapter.Validation;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// <c>differential [--cases N] [--seed S] [--threads T] [--all [--out FILE]] [--coverage]</c>: the validation fast path held to Firely's full validation
/// over the golden resources, the generated clinic of the benchmarks (BENCH_PATIENTS, seed 7) and N CsCheck mutants
/// of them (default 100,000), spread evenly over the resource kinds. Exit 1 on any disagreement. Prints what each
/// kind of check turned away, for docs/validation.md. <c>--all</c> goes on past disagreements (no shrinking) and
/// writes each with its mutant to FILE.
/// </summary>
internal static class DifferentialRun
{
    public static int Run(string[] args)
    {
        var cases = long.Parse(Option(args, "--cases") ?? "100000", System.Globalization.CultureInfo.InvariantCulture);
        var threads = int.Parse(Option(args, "--threads") ?? Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        var seed = Option(args, "--seed");
        var clock = Stopwatch.StartNew();
        // Compiled, not loaded from a saved plan: the proof is of the compiled plan (PlanCacheTests hold a loaded one to it).
        var validator = new FhirResourceValidator(new FhirValidationOptions { FastPath = true, FastPathDoubleCheck = 0, PlanCache = false });
        var golden = DifferentialReport.Load(RepoPaths.Expected).ToList();
        var generated = Corpus.Instance.Resources.ToList();
        var differential = new FastPathDifferential(validator, [.. golden, .. generated]);
        Console.WriteLine($"Loaded in {clock.Elapsed.TotalSeconds:0.0} s: {golden.Count} golden and {generated.Count} generated resources, kinds: {string.Join(", ", differential.Kinds)}");

        // Indicative warm cost over the clinic's mix, one thread: the full Validate (fast path, falling back to Firely).
        foreach (var _ in Enumerable.Range(0, 2))
            generated.ForEach(r => validator.Validate(r));
        var before = validator.FastPathCounts;
        var timer = Stopwatch.StartNew();
        generated.ForEach(r => validator.Validate(r));
        var after = validator.FastPathCounts;
        Console.WriteLine($"Warm Validate over the generated mix, one thread: {timer.Elapsed.TotalMicroseconds / generated.Count:0.0} µs per resource "
            + $"({after.Accepted - before.Accepted} accepted by the fast path, {after.SentToFirely - before.SentToFirely} sent to Firely)");

        var asIs = differential.CheckAll(golden.Concat(generated));
        Console.WriteLine($"As they are: {asIs.Summary()}");
        foreach (var (why, count) in asIs.LeftToFirely.OrderByDescending(k => k.Value))
            Console.WriteLine($"  left to Firely: {count} x {why}");
        if (args.Contains("--as-is"))
            return asIs.Disagreements.IsEmpty ? 0 : 1;
        var all = args.Contains("--all");
        var mutants = differential.Mutants(cases, seed, threads, stopAtFirst: !all);
        if (Option(args, "--out") is { } outFile)
            File.WriteAllLines(outFile, mutants.DisagreementCases);
        Console.WriteLine($"Mutants:     {mutants.Summary()}");
        Console.WriteLine($"Rejected mutants by mutation: {string.Join(", ", mutants.MutationsRejected.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))}");
        Console.WriteLine($"Accepted mutants by kind: {string.Join(", ", mutants.AcceptedByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))}");
        Console.WriteLine("Kinds of check that turned away a rejected mutant:");
        foreach (var group in mutants.RejectedBy.GroupBy(k => DifferentialReport.KindOf(k.Key)).OrderBy(g => g.Key, StringComparer.Ordinal))
            Console.WriteLine($"  {group.Key}: {group.Sum(g => g.Value)} (at {group.Count()} places)");
        Console.WriteLine($"Invariants whose predicate was false where Firely reported the same constraint: {string.Join(", ", mutants.InvariantFalseConfirmed.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))}");
        if (args.Contains("--coverage"))
        {
            var coverage = differential.Coverage(golden.Concat(generated), mutants);
            Console.WriteLine($"Coverage: {coverage.Summary()}");
            foreach (var group in coverage.Never.GroupBy(DifferentialReport.KindOf).OrderBy(g => g.Key, StringComparer.Ordinal))
                Console.WriteLine($"  never turned away a rejected resource: {group.Key} x{group.Count()}: {string.Join("; ", group.Take(5).Select(c => c.Describe))}");
        }

        foreach (var disagreement in asIs.Disagreements.Concat(mutants.Disagreements))
            Console.WriteLine("DISAGREEMENT: " + disagreement);
        Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0} s.");
        return asIs.Disagreements.IsEmpty && mutants.Disagreements.IsEmpty ? 0 : 1;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
