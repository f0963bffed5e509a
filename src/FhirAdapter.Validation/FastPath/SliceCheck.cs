using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>A slice's condition (discriminator) evaluated exactly: yes, no, or not decided here (the resource goes to Firely).</summary>
internal abstract class SliceCondition
{
    public abstract Tri Match(object node);
}

/// <summary>A type slice: the element's FHIR type.</summary>
internal sealed class TypeCondition(TypeLabelCheck label) : SliceCondition
{
    public string Label => label.Label;

    public override Tri Match(object node) => label.Is(node) ? Tri.Yes : Tri.No;
}

/// <summary>
/// Firely's PathSelectorValidator over a path of child names: exactly one element there, which matches; or, for a
/// group assertion (allOf), every element there matches (none at all passes).
/// </summary>
internal sealed class PathCondition(string[] path, SliceCondition inner, bool group) : SliceCondition
{
    public string[] Path => path;

    public SliceCondition Inner => inner;

    public bool Group => group;

    public override Tri Match(object node)
    {
        object? found = null;
        var count = 0;
        var answer = Tri.Yes;
        if (!Select(node, 0, ref found, ref count, ref answer))
            return Tri.Unknown;
        if (group)
            return answer;
        return count == 1 ? inner.Match(found!) : Tri.No;
    }

    // Walks the path; false when a step is not a plain POCO (so FHIRPath's answer is not certain here).
    private bool Select(object node, int step, ref object? found, ref int count, ref Tri answer)
    {
        if (step == path.Length)
        {
            found = node;
            count++;
            if (group && answer != Tri.No)
            {
                var m = inner.Match(node);
                answer = m == Tri.Yes ? answer : m;
            }

            return true;
        }

        if (node is not Base b || b.HasOverflow)
            return false;
        b.TryGetValue(path[step], out var value);
        var items = Nodes.Of(value);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item || !Select(item, step + 1, ref found, ref count, ref answer))
                return false;
        }

        return true;
    }
}

/// <summary>A fixed value as a condition.</summary>
internal sealed class FixedCondition(FixedCheck check) : SliceCondition
{
    public FixedCheck Check => check;

    public override Tri Match(object node) => check.Match(node);
}

/// <summary>A pattern as a condition.</summary>
internal sealed class PatternCondition(PatternCheck check) : SliceCondition
{
    public PatternCheck Check => check;

    public override Tri Match(object node) => check.Match(node);
}

/// <summary>A preferred or example binding as a condition: with the default checks it checks nothing, so always yes.</summary>
internal sealed class AlwaysCondition : SliceCondition
{
    public override Tri Match(object node) => Tri.Yes;
}

/// <summary>An extensible binding as a condition: only a concept with neither code nor text gets a message (a warning), not decided here.</summary>
internal sealed class ExtensibleBindingCondition : SliceCondition
{
    public override Tri Match(object node) =>
        node is not CodeableConcept cc || cc.Coding.Any(c => !string.IsNullOrEmpty(c.Code)) || !string.IsNullOrEmpty(cc.Text) ? Tri.Yes : Tri.Unknown;
}

/// <summary>Firely's AllValidator as a condition: yes when every member says yes, no as soon as one says no.</summary>
internal sealed class AllCondition(SliceCondition[] members) : SliceCondition
{
    public SliceCondition[] Members => members;

    public override Tri Match(object node)
    {
        foreach (var member in members)
        {
            var m = member.Match(node);
            if (m != Tri.Yes)
                return m;
        }

        return Tri.Yes;
    }
}

/// <summary>
/// Firely's SliceValidator: each element goes to the first slice whose condition it meets (or to the default), in
/// order where the slicing is ordered; a required slice must get an element; then each slice's schema checks its
/// elements and the default's schema the rest.
/// </summary>
internal sealed class SliceCheck(SliceCondition[] conditions, PlanCheck[] assertions, bool[] required, PlanCheck @default, bool ordered, bool defaultAtEnd) : PlanCheck
{
    public SliceCondition[] Conditions => conditions;

    public PlanCheck[] Assertions => assertions;

    public bool[] Required => required;

    public PlanCheck Default => @default;

    public bool Ordered => ordered;

    public bool DefaultAtEnd => defaultAtEnd;

    public override IEnumerable<PlanCheck> Parts => assertions.Append(@default);

    /// <summary>Slices by type alone, none required, in any order: the check itself can refuse nothing (its slices' schemas can).</summary>
    public bool OnlyPlacesByType => !ordered && !defaultAtEnd && !required.Any(r => r) && conditions.All(c => c is TypeCondition);

    public override bool One(object node, FastRun run) => Many(Nodes.Of(node), run);

    public override bool Many(Nodes nodes, FastRun run)
    {
        var count = nodes.Count;
        Span<int> slice = count <= 64 ? stackalloc int[count] : new int[count];
        var last = -1;
        var sawDefault = false;
        for (var i = 0; i < count; i++)
        {
            if (nodes[i] is not { } node)
                return run.Refuse(this);
            slice[i] = -1;
            for (var j = 0; j < conditions.Length; j++)
            {
                var m = conditions[j].Match(node);
                if (m == Tri.Unknown)
                    return run.Refuse(this);
                if (m == Tri.Yes)
                {
                    slice[i] = j;
                    break;
                }
            }

            if (slice[i] < 0)
            {
                sawDefault = true;
                continue;
            }

            if ((ordered && slice[i] < last) || (defaultAtEnd && sawDefault))
                return run.Refuse(this);
            last = Math.Max(last, slice[i]);
        }

        for (var j = 0; j <= conditions.Length; j++)
        {
            var bucket = Bucket(nodes, slice, j == conditions.Length ? -1 : j);
            if (j < conditions.Length && required[j] && bucket.Count == 0)
                return run.Refuse(this);
            if (!(j == conditions.Length ? @default : assertions[j]).Many(bucket, run))
                return false;
        }

        return true;
    }

    private static Nodes Bucket(Nodes nodes, ReadOnlySpan<int> slice, int index)
    {
        var n = 0;
        object? only = null;
        for (var i = 0; i < slice.Length; i++)
        {
            if (slice[i] == index)
            {
                n++;
                only = nodes[i];
            }
        }

        if (n == nodes.Count)
            return nodes;
        if (n <= 1)
            return Nodes.Of(only);
        var list = new List<object>(n);
        for (var i = 0; i < slice.Length; i++)
        {
            if (slice[i] == index)
                list.Add(nodes[i]!);
        }

        return Nodes.Of(list);
    }
}
