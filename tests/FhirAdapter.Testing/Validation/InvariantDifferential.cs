using System.Collections.Concurrent;
using FhirAdapter.Validation;
using FhirAdapter.Validation.FastPath;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;

#pragma warning disable ExperimentalApi // Firely's FhirPathValidator run on one element: the oracle for each invariant.

namespace FhirAdapter.Testing.Validation;

/// <summary>
/// Each FHIRPath invariant the fast path runs as a C# predicate, held to Firely's evaluation of the same key and
/// expression (its <c>FhirPathValidator</c> on the same element of the same resource, so that <c>%resource</c> and
/// <c>%rootResource</c> mean the same). Cases: every element of the invariant's type in the given resources and in
/// single-point mutants of them, plus the hand-made cases of <see cref="InvariantCases"/>. The rule: where the predicate
/// says true, Firely's evaluation succeeds; and each predicate is seen true and false on cases where Firely agrees.
/// </summary>
internal sealed class InvariantDifferential
{
    private readonly FastPlan _plan;
    private readonly ValidationSettings _settings = new();
    private readonly Dictionary<(string Key, string Expression), (InvariantCheck Check, HashSet<Type> Types)> _invariants = [];

    /// <param name="validator">A validator with the fast path on.</param>
    /// <param name="corpus">Valid resources: where each invariant is reached tells which element types it applies to.</param>
    public InvariantDifferential(FhirResourceValidator validator, IEnumerable<Resource> corpus)
    {
        _plan = (validator ?? throw new ArgumentNullException(nameof(validator))).Plan ?? throw new ArgumentException("The validator's fast path is off.", nameof(validator));
        foreach (var check in AllChecks(_plan).OfType<InvariantCheck>())
            _invariants.TryAdd((check.Key, check.Expression), (check, []));
        foreach (var resource in corpus)
        {
            var tracer = new FirstReach();
            _plan.Accept(resource, out _, tracer);
            foreach (var (check, reach) in tracer.First)
            {
                if (check is InvariantCheck invariant && reach.Node is Base node)
                    _invariants[(invariant.Key, invariant.Expression)].Types.Add(node.GetType());
            }
        }
    }

    /// <summary>Every (key, expression) the plan runs as a predicate.</summary>
    public IReadOnlyCollection<(string Key, string Expression)> Modelled => _invariants.Keys;

    /// <summary>Compares predicate and Firely on every element of an invariant's types in <paramref name="resources"/>.</summary>
    public void Compare(IEnumerable<Resource> resources, InvariantReport report, int perOutcome = 40)
    {
        foreach (var resource in resources)
        {
            var root = resource.ToPocoNode(Hl7.Fhir.Model.ModelInfo.ModelInspector);
            foreach (var node in new[] { root }.DescendantsAndSelf())
            {
                if (node.Poco is not Base element)
                    continue;
                foreach (var ((key, expression), (check, types)) in _invariants)
                {
                    if (types.Contains(element.GetType()) && report.Wants(key, perOutcome))
                        CompareOne(key, expression, check, resource, node, report);
                }
            }
        }
    }

    /// <summary>The hand-made cases for one invariant: a resource and the element of it the invariant is evaluated on.</summary>
    public void Compare(string key, Resource resource, Base element, InvariantReport report)
    {
        var ((_, expression), (check, _)) = _invariants.First(i => i.Key.Key == key);
        var node = new[] { resource.ToPocoNode(Hl7.Fhir.Model.ModelInfo.ModelInspector) }.DescendantsAndSelf().First(n => ReferenceEquals(n.Poco, element));
        CompareOne(key, expression, check, resource, node, report);
    }

    private void CompareOne(string key, string expression, InvariantCheck check, Resource root, PocoNode node, InvariantReport report)
    {
        var run = FastRun.Start(root);
        run.Current = ContainingResource(root, node.Poco);
        bool predicate;
        try
        {
            predicate = check.One(node.Poco, run);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report.Disagreements.Add($"{key}: the predicate threw {e.GetType().Name} on {Describe(root, node)}");
            return;
        }

        bool firely;
        try
        {
            IValidatable validator = new FhirPathValidator(key, expression, null, OperationOutcome.IssueSeverity.Error, false);
            firely = validator.Validate(node, _settings, new ValidationState()).IsSuccessful;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            firely = false;
        }

        report.Count(key, predicate, firely);
        if (predicate && !firely)
            report.Disagreements.Add($"{key}: the predicate says true, Firely's evaluation of '{expression}' does not, on {Describe(root, node)}");
    }

    // FHIRPath's %resource: the contained resource the element sits in, or the root.
    private static Resource ContainingResource(Resource root, Base element)
    {
        foreach (var contained in (root as DomainResource)?.Contained ?? [])
        {
            if (ReferenceEquals(contained, element) || Mutator.Walk(contained).Any(s => ReferenceEquals(s.Value, element)))
                return contained;
        }

        return root;
    }

    private static string Describe(Resource root, PocoNode node) => $"{root.TypeName}/{root.Id} at {node.GetLocation()} ({node.Poco.GetType().Name})";

    private static IEnumerable<PlanCheck> AllChecks(FastPlan plan)
    {
        var seen = new HashSet<PlanCheck>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<PlanCheck>(plan.Schemas.Values);
        while (stack.Count > 0)
        {
            var check = stack.Pop();
            if (!seen.Add(check))
                continue;
            yield return check;
            foreach (var part in check.Parts)
            {
                if (part is not null)
                    stack.Push(part);
            }
        }
    }
}

/// <summary>What the invariant differential found, per key: how often predicate and Firely said true and false together.</summary>
internal sealed class InvariantReport
{
    private readonly ConcurrentDictionary<string, int[]> _counts = new(StringComparer.Ordinal);

    /// <summary>Cases where the predicate said true and Firely's evaluation did not: must stay empty.</summary>
    public ConcurrentBag<string> Disagreements { get; } = [];

    /// <summary>Per key: [both true, both false, predicate false but Firely true (left to Firely), predicate true but Firely false].</summary>
    public IReadOnlyDictionary<string, int[]> Counts => _counts;

    public void Count(string key, bool predicate, bool firely)
    {
        var counts = _counts.GetOrAdd(key, _ => new int[4]);
        var index = (predicate, firely) switch { (true, true) => 0, (false, false) => 1, (false, true) => 2, _ => 3 };
        Interlocked.Increment(ref counts[index]);
    }

    /// <summary>Whether a key still needs cases: fewer than <paramref name="perOutcome"/> of either agreeing outcome, and fewer than ten times that in all.</summary>
    public bool Wants(string key, int perOutcome) =>
        !_counts.TryGetValue(key, out var c) || ((c[0] < perOutcome || c[1] < perOutcome) && c.Sum() < perOutcome * 10);

    /// <summary>Keys the predicate was never seen true with Firely true, or never false with Firely false.</summary>
    public IEnumerable<string> NotShownBothWays(IEnumerable<string> keys) =>
        keys.Where(k => !_counts.TryGetValue(k, out var c) || c[0] == 0 || c[1] == 0);

    public string Summary(string key) =>
        _counts.TryGetValue(key, out var c) ? $"{key}: {c[0]} true, {c[1]} false, {c[2]} left to Firely, {c[3]} wrongly true" : $"{key}: no case";
}
