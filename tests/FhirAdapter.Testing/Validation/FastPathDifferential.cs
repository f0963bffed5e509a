using System.Collections.Concurrent;
using CsCheck;
using FhirAdapter.Validation;
using FhirAdapter.Validation.FastPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Testing.Validation;

/// <summary>
/// The proof of the validation fast path: Firely's full validation (its public Validator on its own schemas) is the
/// oracle (with the package code check that follows it), and whenever the fast path accepts a resource, that outcome
/// must be the fast path's (an OperationOutcome without issues). Runs over given resources as they are, and over single-point mutants of them
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
    /// <param name="stopAtFirst">Stop at the first disagreement and shrink it (the tests); false: record every one and go on (finding them all in one run).</param>
    public DifferentialReport Mutants(long cases, string? seed = null, int threads = 1, bool stopAtFirst = true)
    {
        var report = new DifferentialReport();
        var gen = Cases();
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
                    if (disagreement is not null && stopAtFirst)
                        throw new InvalidOperationException(disagreement);
                    if (disagreement is not null)
                        report.DisagreementCases.Add($"{kind} {mutation} {site} {pick}: {disagreement} MUTANT {mutant.ToJson()}");
                },
                seed: seed, iter: cases, threads: threads,
                print: t => $"{_byKind[t.Item1][0].TypeName} #{(t.Item3 / 7) % _byKind[t.Item1].Length}, {Mutator.KindName(t.Item2)}, site {t.Item3}, pick {t.Item4}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report.Disagreements.Add(e.ToString());
        }

        return report;
    }

    /// <summary>
    /// Every check the accepted <paramref name="corpus"/> reaches that can refuse, and which of them refused a resource
    /// Firely rejects: first among the mutants of <paramref name="mutants"/>, then among targeted mutants made in the
    /// element where the check was first reached (the element, its parent, or anything under it), in the order most
    /// likely to break that kind of check. Any disagreement met on the way is recorded in <paramref name="mutants"/>.
    /// </summary>
    public CoverageReport Coverage(IEnumerable<Resource> corpus, DifferentialReport mutants, int attempts = 300)
    {
        var reached = new Dictionary<PlanCheck, Reach>();
        foreach (var resource in corpus)
        {
            var tracer = new FirstReach();
            if (_plan.Accept(resource, out _, tracer))
            {
                foreach (var (check, reach) in tracer.First)
                    reached.TryAdd(check, reach);
            }
        }

        var report = new CoverageReport();
        foreach (var (check, reach) in reached)
        {
            if (!CanRefuse(check))
                continue;
            if (CannotFailOnPocos(check, reach))
            {
                report.CannotFailOnPocos.Add(check);
                continue;
            }

            report.Reached.Add(check);
            if (mutants.FailedOn.ContainsKey(check))
                report.ByMutants.Add(check);
            else if (Targeted(check, reach, mutants, attempts) is { } how)
                report.ByTargeted[check] = how;
        }

        return report;
    }

    // Checks no POCO can make fail, whatever its values: a count that only a JSON document could break, the type of
    // an element whose property is not a choice (the POCO's class fixes it), type slicing with nothing to enforce,
    // the children of a resource whose definition names them all (unknown ones are turned away before), a binding
    // that checks nothing, ele-1 on the extensions of a slice chosen by their url. Firely keeps them for instances parsed from JSON; here they are counted, not required to fail.
    private static bool CannotFailOnPocos(PlanCheck check, Reach reach)
    {
        var site = reach.Node is Base node && !ReferenceEquals(node, reach.Root)
            ? Mutator.Walk(reach.Root).FirstOrDefault(s => ReferenceEquals(s.Value, node))
            : null;
        // A group of one name is checked only when present (an absent required child is RequiredCheck's, on the
        // parent), so a single-valued property (and the plain strings Element.id and Extension.url) has one element.
        var single = site is { List: null } || reach.Node is string || ReferenceEquals(reach.Node, reach.Root);
        return check switch
        {
            // Present, a group has at least one element: a count fails only above a finite maximum (a list, or a
            // single element where none is allowed) or below a minimum over 1.
            CardinalityCheck c => c.Min is null or <= 1 && (c.Max is null || (single && c.Max >= 1)),
            // Type slices meet no element they cannot place, and without a required slice or an order have nothing else to refuse.
            SliceCheck slice => slice.OnlyPlacesByType,
            // A resource with unknown children is turned away before its checks run (FastPlan.AcceptResource).
            ChildrenCheck children => reach.Node is Resource resource && children.NamesEvery(resource.GetType()),
            // An extension slice is chosen by the extension's url, a child: ele-1 holds on every extension it gets.
            Ele1Check when reach.Node is Extension && check.Describe.Contains(".extension:", StringComparison.Ordinal) => true,
            // A preferred or example binding checks nothing.
            BindingCheck binding => !binding.CanRefuse,
            // A datatype's or resource's own type, in its own schema: that schema was chosen by the element's type.
            TypeLabelCheck label when label.Describe == $"type {label.Label} @ {label.Label}" => true,
            TypeLabelCheck or InstanceTypeCheck => site is null ? ReferenceEquals(reach.Node, reach.Root) : !Mutator.IsChoice(site.Parent, site.Name),
            _ => false,
        };
    }

    // Containers only pass their members' answers on; a check that passes everything cannot refuse.
    private static bool CanRefuse(PlanCheck check) =>
        check is not (SchemaCheck or AllCheck or SchemaRefCheck or PassCheck or UnsupportedCheck);

    private string? Targeted(PlanCheck check, Reach reach, DifferentialReport report, int attempts)
    {
        var sites = Mutator.Walk(reach.Root).ToList();
        var anchor = reach.Node is Base node && sites.FindIndex(s => ReferenceEquals(s.Value, node)) is var n and >= 0 ? n
            : reach.Parent is Base parent && sites.FindIndex(s => ReferenceEquals(s.Value, parent)) is var p and >= 0 ? p : -1;
        // The anchor element and everything under it (the whole resource when the check is on the resource itself).
        var at = anchor >= 0 ? new List<int>() : [-1];
        var under = new HashSet<object>(ReferenceEqualityComparer.Instance) { anchor >= 0 ? sites[anchor].Value : reach.Root };
        for (var i = Math.Max(anchor, 0); i < sites.Count; i++)
        {
            if (i == anchor || under.Contains(sites[i].Parent))
            {
                under.Add(sites[i].Value);
                at.Add(i);
            }
        }

        var firelyCalls = 0;
        foreach (var kind in KindsFor(check))
        {
            foreach (var site in kind is 14 or 15 or 17 ? [0] : at)
            {
                for (var pick = 0; pick < Picks(kind); pick++)
                {
                    if (attempts-- <= 0 || firelyCalls >= 4)
                        return null;
                    if (_mutator.MutateAt(reach.Root, kind, site, pick) is not { } mutant)
                        break;
                    var refusals = new AllRefusals();
                    _plan.Accept(mutant, out _, refusals);
                    if (!refusals.Checks.Contains(check))
                        continue;
                    firelyCalls++;
                    if (Check(mutant, "targeted " + Mutator.KindName(kind), report) is null && report.FailedOn.ContainsKey(check))
                        return $"{Mutator.KindName(kind)} at {sites.ElementAtOrDefault(site)?.Name}, pick {pick}";
                }
            }
        }

        return null;
    }

    // How many different mutants a kind makes at one element (its pick only chooses among these).
    private static int Picks(int kind) => kind switch
    {
        0 or 1 or 3 or 16 => 1,
        4 or 5 => 2,
        7 => 16,
        8 or 9 => 24,
        _ => 9,
    };

    // The mutations most likely to break each kind of check first, then all the others.
    private static IEnumerable<int> KindsFor(PlanCheck check)
    {
        int[] first = check switch
        {
            CardinalityCheck or RequiredCheck => [0, 1, 16],
            BindingCheck or FixedCheck or PatternCheck or SliceCheck => [8, 9, 3, 4, 0, 1],
            RegexCheck or ValidLiteralCheck or FhirStringCheck or MaxLengthCheck or CanonicalCheck => [6, 3, 4, 5],
            MinMaxCheck => [7],
            Ele1Check => [16],
            Ext1Check or ExtensionSchemaCheck or ExtensionContextCheck => [12, 11],
            ChildrenCheck => [11],
            ReferenceCheck or ResourceRefCheck or UniqueContainedIdsCheck => [13, 14, 17],
            TypeLabelCheck or InstanceTypeCheck => [10],
            InvariantCheck => [7, 8, 9, 0, 16, 17, 10, 13, 14],
            _ => [],
        };
        return first.Concat(Enumerable.Range(0, Mutator.Kinds).Except(first));
    }

    /// <summary>
    /// The same kind of mutants drawn from a fixed seed, the same every run (the tests: a failure names the case, and
    /// the coverage it feeds does not move between runs), without shrinking.
    /// </summary>
    public DifferentialReport FixedMutants(int cases, ulong seed, int threads = 2)
    {
        var report = new DifferentialReport();
        var pcg = new PCG(1, seed);
        var gen = Cases();
        var drawn = Enumerable.Range(0, cases).Select(_ => gen.Generate(pcg, null, out Size _)).ToArray();
        var next = -1;
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            for (var i = Interlocked.Increment(ref next); i < drawn.Length; i = Interlocked.Increment(ref next))
            {
                var (kind, mutation, site, pick) = drawn[i];
                var bases = _byKind[kind];
                if (_mutator.Mutate(bases[(site / 7) % bases.Length], mutation, site, pick) is { } mutant
                    && Check(mutant, Mutator.KindName(mutation), report) is not null)
                    report.DisagreementCases.Add($"case {i} (kind {kind}, mutation {mutation}, site {site}, pick {pick})");
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return report;
    }

    /// <summary>The mutants <see cref="FixedMutants"/> checks (same cases, same seed), without Firely.</summary>
    public IEnumerable<(string Mutation, Resource Mutant)> FixedMutantResources(int cases, ulong seed)
    {
        var pcg = new PCG(1, seed);
        var gen = Cases();
        foreach (var (kind, mutation, site, pick) in Enumerable.Range(0, cases).Select(_ => gen.Generate(pcg, null, out Size _)).ToArray())
        {
            var bases = _byKind[kind];
            if (_mutator.Mutate(bases[(site / 7) % bases.Length], mutation, site, pick) is { } mutant)
                yield return (Mutator.KindName(mutation), mutant);
        }
    }

    // A resource kind, a mutation, a site and a pick: evenly over the kinds.
    private Gen<(int Kind, int Mutation, int Site, int Pick)> Cases() =>
        Gen.Select(Gen.Int[0, _byKind.Count - 1], Gen.Int[0, Mutator.Kinds - 1], Gen.Int[0, 1_000_000], Gen.Int[0, 1_000]);

    // Null when the fast path agrees with Firely, else a description (resource type and id, what Firely said).
    private string? Check(Resource resource, string mutation, DifferentialReport report)
    {
        Interlocked.Increment(ref report.Cases);
        bool accepted;
        PlanCheck? refused;
        try
        {
            accepted = _plan.Accept(resource, out refused);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The fast path must never throw (Validate does not catch it): as bad as a wrong acceptance.
            var text = $"{resource.TypeName}/{resource.Id} ({mutation}): the fast path threw {e}";
            report.Disagreements.Add(text);
            return text;
        }

        if (ReferenceEquals(refused, _plan.Threw))
        {
            var text = $"{resource.TypeName}/{resource.Id} ({mutation}): a check of the fast path threw";
            report.Disagreements.Add(text);
            return text;
        }

        OperationOutcome firely;
        try
        {
            firely = _validator.ValidateSchemaOnly(resource, throughFirelysValidator: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // What the user sees then is a fatal issue (FhirResourceValidator catches it): a rejection.
            firely = new OperationOutcome { Issue = [new() { Severity = OperationOutcome.IssueSeverity.Fatal, Diagnostics = $"Firely threw {e.GetType().Name}: {e.Message}" }] };
        }

        // The package code check runs after Firely on every resource it validates; the fast path has it folded in.
        _validator.CheckPackageCodes(resource, firely.Issue);

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
            report.LeftToFirely.AddOrUpdate($"{resource.TypeName}: {refused?.Describe}", 1, (_, n) => n + 1);
            return null;
        }

        Interlocked.Increment(ref report.Rejected);
        report.MutationsRejected.AddOrUpdate(mutation, 1, (_, n) => n + 1);
        var all = new AllRefusals();
        _plan.Accept(resource, out _, all);
        foreach (var check in all.Checks)
            report.FailedOn.AddOrUpdate(check, 1, (_, n) => n + 1);
        if (refused is not null)
        {
            report.RejectedBy.AddOrUpdate(refused, 1, (_, n) => n + 1);
            if (refused is InvariantCheck invariant && firely.Issue.Any(i => i.Details?.Text?.Contains($"constraint {invariant.Key} ", StringComparison.Ordinal) == true))
                report.InvariantFalseConfirmed.AddOrUpdate(invariant.Key, 1, (_, n) => n + 1);
        }

        return null;
    }
}

/// <summary>Where a check was first reached: the resource, the element it checked, and that element's parent.</summary>
internal sealed record Reach(Resource Root, object? Node, object? Parent);

/// <summary>Records the first place each check is reached in one run.</summary>
internal sealed class FirstReach : IPlanTracer
{
    public Dictionary<PlanCheck, Reach> First { get; } = [];

    public void Reached(PlanCheck check, object? node, FastRun run) => First.TryAdd(check, new Reach(run.Root, node, run.Parent));

    public bool Refused(PlanCheck check, FastRun run) => false;
}

/// <summary>Goes on past every refusal, to learn all the checks that refuse a resource (not only the first).</summary>
internal sealed class AllRefusals : IPlanTracer
{
    public HashSet<PlanCheck> Checks { get; } = [];

    public void Reached(PlanCheck check, object? node, FastRun run)
    {
    }

    public bool Refused(PlanCheck check, FastRun run)
    {
        Checks.Add(check);
        return true;
    }
}

/// <summary>Which checks the valid resources reach, and which of them turned away a resource Firely rejects.</summary>
internal sealed class CoverageReport
{
    public HashSet<PlanCheck> Reached { get; } = [];

    public HashSet<PlanCheck> ByMutants { get; } = [];

    /// <summary>Checks first turned away by a targeted mutant, and the mutation that did it.</summary>
    public Dictionary<PlanCheck, string> ByTargeted { get; } = [];

    public IEnumerable<PlanCheck> Never => Reached.Where(c => !ByMutants.Contains(c) && !ByTargeted.ContainsKey(c));

    /// <summary>Checks reached that no POCO can make fail (see FastPathDifferential.CannotFailOnPocos): not counted in <see cref="Reached"/>.</summary>
    public HashSet<PlanCheck> CannotFailOnPocos { get; } = [];

    public string Summary() =>
        $"{Reached.Count} checks reached by the valid resources can refuse: {ByMutants.Count} refused a random mutant Firely rejects, "
        + $"{ByTargeted.Count} a targeted one, {Never.Count()} none ({CannotFailOnPocos.Count} more that no POCO can make fail).";
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

    /// <summary>When the run goes on past disagreements: each one with its case (kind, mutation, site, pick) and the mutant's JSON.</summary>
    public ConcurrentBag<string> DisagreementCases { get; } = [];

    public ConcurrentDictionary<string, int> AcceptedByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>For each plan check, the number of resources Firely rejected that this check turned away.</summary>
    public ConcurrentDictionary<PlanCheck, int> RejectedBy { get; } = new();

    /// <summary>For each plan check, the number of resources Firely rejected that this check refused (first or not).</summary>
    public ConcurrentDictionary<PlanCheck, int> FailedOn { get; } = new();

    /// <summary>For each invariant key, how often its predicate was false where Firely reported the same constraint.</summary>
    public ConcurrentDictionary<string, int> InvariantFalseConfirmed { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> MutationsRejected { get; } = new(StringComparer.Ordinal);

    /// <summary>Valid resources the fast path left to Firely, by resource type and the check that refused.</summary>
    public ConcurrentDictionary<string, int> LeftToFirely { get; } = new(StringComparer.Ordinal);

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
