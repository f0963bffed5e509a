using System.Collections.Concurrent;
using CsCheck;
using FhirAdapter.Validation;
using FhirAdapter.Validation.FastPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Testing.Validation;

/// <summary>
/// The proof of the validation fast path: Firely's full validation (its public Validator on its own schemas) is the
/// oracle, and whenever the fast path accepts a resource, Firely's outcome must be the fast path's (an
/// OperationOutcome without issues). Runs over given resources as they are, and over single-point mutants of them
/// (<see cref="Mutator"/>) drawn and shrunk by CsCheck, evenly over the resource kinds. It also records which plan
/// check turned away each mutant Firely rejects, so that no check is one that cannot fail.
/// </summary>
internal sealed class FastPathDifferential
{
    private static readonly string CleanOutcome = new OperationOutcome().ToJson();

    private readonly FhirResourceValidator _validator;
    private readonly FastPlan _plan;
    private readonly List<Resource[]> _byKind;
    private readonly Mutator _mutator;

    public FastPathDifferential(FhirResourceValidator validator, IReadOnlyList<Resource> bases)
    {
        _validator = validator ?? throw new ArgumentNullException(nameof(validator));
        _plan = validator.Plan ?? throw new ArgumentException("The validator's fast path is off.", nameof(validator));
        _byKind = [.. (bases ?? throw new ArgumentNullException(nameof(bases))).GroupBy(r => r.TypeName).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToArray())];
        _mutator = new Mutator(bases);
    }

    /// <summary>Resource kinds the mutants are spread over.</summary>
    public IReadOnlyList<string> Kinds => [.. _byKind.Select(k => k[0].TypeName)];

    /// <summary>Each resource as it is: accepted ones must be clean under Firely.</summary>
    public DifferentialReport CheckAll(IEnumerable<Resource> resources)
    {
        var report = new DifferentialReport();
        foreach (var resource in resources)
            Check(resource, "as is", report);
        return report;
    }

    /// <summary>
    /// <paramref name="cases"/> mutants, evenly over the kinds; a disagreement is shrunk by CsCheck to a smallest case
    /// and reported (with its seed) in <see cref="DifferentialReport.Disagreements"/>.
    /// </summary>
    public DifferentialReport Mutants(long cases, string? seed = null, int threads = 1)
    {
        var report = new DifferentialReport();
        var gen = Gen.Select(Gen.Int[0, _byKind.Count - 1], Gen.Int[0, Mutator.Kinds - 1], Gen.Int[0, 1_000_000], Gen.Int[0, 1_000]);
        try
        {
            gen.Sample(
                (kind, mutation, site, pick) =>
                {
                    var bases = _byKind[kind];
                    var original = bases[(site / 7) % bases.Length];
                    if (_mutator.Mutate(original, mutation, site, pick) is not { } mutant)
                        return;
                    var disagreement = Check(mutant, Mutator.KindName(mutation), report);
                    if (disagreement is not null)
                        throw new InvalidOperationException(disagreement);
                },
                seed: seed, iter: cases, threads: threads,
                print: t => $"{_byKind[t.Item1][0].TypeName} #{(t.Item3 / 7) % _byKind[t.Item1].Length}, {Mutator.KindName(t.Item2)}, site {t.Item3}, pick {t.Item4}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report.Disagreements.Add(e.Message);
        }

        return report;
    }

    // Null when the fast path agrees with Firely, else a description (resource type and id, what Firely said).
    private string? Check(Resource resource, string mutation, DifferentialReport report)
    {
        Interlocked.Increment(ref report.Cases);
        var accepted = _plan.Accept(resource, out var refused);
        var firely = _validator.ValidateSchemaOnly(resource, throughFirelysValidator: true);
        var clean = firely.Issue.Count == 0;
        if (accepted)
        {
            Interlocked.Increment(ref report.Accepted);
            report.AcceptedByKind.AddOrUpdate(resource.TypeName, 1, (_, n) => n + 1);
            var json = firely.ToJson();
            if (json != CleanOutcome)
            {
                var text = $"{resource.TypeName}/{resource.Id} ({mutation}): the fast path accepted it, Firely says {json}";
                report.Disagreements.Add(text);
                return text;
            }

            return null;
        }

        if (clean)
        {
            Interlocked.Increment(ref report.RefusedClean);
            return null;
        }

        Interlocked.Increment(ref report.Rejected);
        report.MutationsRejected.AddOrUpdate(mutation, 1, (_, n) => n + 1);
        if (refused is not null)
        {
            report.RejectedBy.AddOrUpdate(refused, 1, (_, n) => n + 1);
            if (refused is InvariantCheck invariant && firely.Issue.Any(i => i.Details?.Text?.Contains($"constraint {invariant.Key} ", StringComparison.Ordinal) == true))
                report.InvariantFalseConfirmed.AddOrUpdate(invariant.Key, 1, (_, n) => n + 1);
        }

        return null;
    }
}

/// <summary>What a differential run found.</summary>
internal sealed class DifferentialReport
{
    public long Cases;
    public long Accepted;
    public long Rejected;
    public long RefusedClean;

    /// <summary>Resources the fast path accepted where Firely said anything: must stay empty.</summary>
    public ConcurrentBag<string> Disagreements { get; } = [];

    public ConcurrentDictionary<string, int> AcceptedByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>For each plan check, the number of resources Firely rejected that this check turned away.</summary>
    public ConcurrentDictionary<PlanCheck, int> RejectedBy { get; } = new();

    /// <summary>For each invariant key, how often its predicate was false where Firely reported the same constraint.</summary>
    public ConcurrentDictionary<string, int> InvariantFalseConfirmed { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> MutationsRejected { get; } = new(StringComparer.Ordinal);

    /// <summary>The kind of check (its class, or "invariant key") that turned away at least one rejected resource.</summary>
    public IReadOnlySet<string> CheckKindsThatFailed => RejectedBy.Keys.Select(KindOf).ToHashSet(StringComparer.Ordinal);

    public static string KindOf(PlanCheck check) => check is InvariantCheck i ? "invariant " + i.Key : check.GetType().Name;

    public string Summary() =>
        $"{Cases} cases: {Accepted} accepted by the fast path (Firely: no issue in every one: {Disagreements.IsEmpty}), {Rejected} rejected by Firely "
        + $"(all turned away by the fast path), {RefusedClean} valid but left to Firely; {RejectedBy.Count} distinct plan checks turned away a rejected resource.";

    public static IEnumerable<Resource> Load(string directory) =>
        Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal)
            .Select(f => new FhirJsonDeserializer().Deserialize<Resource>(File.ReadAllText(f)))
            .SelectMany(r => r is Bundle b ? b.Entry.Select(e => e.Resource!) : [r]);
}
