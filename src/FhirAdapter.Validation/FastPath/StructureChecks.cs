using System.Collections;
using System.Collections.Concurrent;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// An ElementSchema of Firely's (an element's definition, a datatype, a resource, an extension): its members all
/// accept. On a group, as Firely: with no elements only the slicing members run (a required slice), otherwise every
/// member sees the group; a datatype schema sees each element on its own.
/// </summary>
internal sealed class SchemaCheck : PlanCheck
{
    public PlanCheck[] Members { get; set; } = [];

    public PlanCheck[] SliceMembers { get; set; } = [];

    public bool PerElement { get; init; }

    /// <summary>The canonical of a datatype, resource or extension schema, or null for an element's inline schema.</summary>
    public string? Canonical { get; init; }

    public override IEnumerable<PlanCheck> Parts => Members;

    public override bool One(object node, FastRun run)
    {
        foreach (var member in Members)
        {
            run.Tracer?.Reached(member, node, run);
            if (!member.One(node, run))
                return false;
        }

        return true;
    }

    public override bool Many(Nodes nodes, FastRun run)
    {
        if (PerElement)
            return base.Many(nodes, run);

        if (nodes.Count == 0)
        {
            foreach (var slice in SliceMembers)
            {
                run.Tracer?.Reached(slice, run.Parent, run);
                if (!slice.Many(nodes, run))
                    return false;
            }

            return true;
        }

        foreach (var member in Members)
        {
            run.Tracer?.Reached(member, nodes[0], run);
            if (!member.Many(nodes, run))
                return false;
        }

        return true;
    }
}

/// <summary>A reference to a schema by canonical (Firely's SchemaReferenceValidator), resolved when the plan is linked.</summary>
internal sealed class SchemaRefCheck : PlanCheck
{
    public PlanCheck Target { get; set; } = null!;

    public override IEnumerable<PlanCheck> Parts => [Target];

    public override bool One(object node, FastRun run) => Target.One(node, run);

    public override bool Many(Nodes nodes, FastRun run) => Target.Many(nodes, run);
}

/// <summary>
/// An abstract datatype or resource (Resource, DomainResource, Element): Firely validates an instance against the
/// schema of its own type. Resources go through <see cref="FastPlan.AcceptResource"/> (core type and meta.profile).
/// </summary>
internal sealed class InstanceTypeCheck(FastPlan plan) : PlanCheck
{
    public override bool One(object node, FastRun run)
    {
        if (node is Resource resource)
            return plan.AcceptContained(resource, run) || run.Refuse(this);
        if (node is not Base b || plan.Schema(FastPlan.CoreCanonical(b.TypeName)) is not { } schema)
            return run.Refuse(this);
        return schema.One(node, run);
    }
}

/// <summary>Every member accepts (Firely's AllValidator; short-circuit or not, all must succeed).</summary>
internal sealed class AllCheck(PlanCheck[] members) : PlanCheck
{
    public PlanCheck[] Members => members;

    public override IEnumerable<PlanCheck> Parts => members;

    public override bool One(object node, FastRun run)
    {
        foreach (var member in members)
        {
            run.Tracer?.Reached(member, node, run);
            if (!member.One(node, run))
                return false;
        }

        return true;
    }

    public override bool Many(Nodes nodes, FastRun run)
    {
        foreach (var member in members)
        {
            run.Tracer?.Reached(member, nodes.Count > 0 ? nodes[0] : run.Parent, run);
            if (!member.Many(nodes, run))
                return false;
        }

        return true;
    }
}

/// <summary>An assertion that always succeeds without a message (ResultAssertion.SUCCESS, a definitions list, a base-type marker).</summary>
internal sealed class PassCheck : PlanCheck
{
    public override bool One(object node, FastRun run) => true;

    public override bool Many(Nodes nodes, FastRun run) => true;
}

/// <summary>
/// Fail closed: an assertion the plan does not model (or an invariant it has no proven predicate for). Any element
/// that reaches it sends the resource to Firely; an absent element does not reach it, exactly as in Firely.
/// </summary>
internal sealed class UnsupportedCheck : PlanCheck
{
    public override bool One(object node, FastRun run) => run.Refuse(this);

    public override bool Many(Nodes nodes, FastRun run) => nodes.Count == 0 || run.Refuse(this);
}

/// <summary>Firely's CardinalityValidator: the number of elements of one name is within min..max.</summary>
internal sealed class CardinalityCheck(int? min, int? max) : PlanCheck
{
    public int? Min => min;

    public int? Max => max;

    public override bool One(object node, FastRun run) => InRange(1) || run.Refuse(this);

    public override bool Many(Nodes nodes, FastRun run) => InRange(nodes.Count) || run.Refuse(this);

    private bool InRange(int count) => (min is not { } lo || count >= lo) && (max is not { } hi || count <= hi);
}

/// <summary>Firely's RequiredValidator: each named child is present.</summary>
internal sealed class RequiredCheck(string[] names) : PlanCheck
{
    public string[] Names => names;

    public override bool One(object node, FastRun run)
    {
        if (node is not Base b || b.HasOverflow)
            return run.Refuse(this);
        foreach (var name in names)
        {
            if (!b.TryGetValue(name, out var value) || Nodes.Of(value).Count == 0)
                return run.Refuse(this);
        }

        return true;
    }
}

/// <summary>
/// Firely's ChildrenValidator: each named child's elements against its schema, and no child the definition does not
/// name (a POCO holds only its type's elements, so that is overflow, or an element the profile's definition lacks).
/// </summary>
internal sealed class ChildrenCheck(KeyValuePair<string, PlanCheck>[] children, bool allowAdditional, string definitionPath) : PlanCheck
{
    private TypeCache<string[]>? _others;

    public KeyValuePair<string, PlanCheck>[] Children => children;

    public bool AllowAdditional => allowAdditional;

    public string DefinitionPath => definitionPath;

    public override IEnumerable<PlanCheck> Parts => children.Select(c => c.Value);

    public override bool One(object node, FastRun run)
    {
        if (node is string)
            return children.Length == 0 || run.Refuse(this);
        if (node is not Base b || b.HasOverflow)
            return run.Refuse(this);

        if (!allowAdditional)
        {
            foreach (var other in (_others ??= new TypeCache<string[]>(OthersOf)).For(b.GetType()))
            {
                if (b.TryGetValue(other, out var value) && Nodes.Of(value).Count > 0)
                    return run.Refuse(this);
            }
        }

        var (parent, parentPath) = (run.Parent, run.ParentPath);
        run.Parent = b;
        run.ParentPath = definitionPath;
        try
        {
            foreach (var (name, check) in children)
            {
                b.TryGetValue(name, out var value);
                if (value is IList list && list.Count > 0 && list[0] is not Base and not string)
                    return run.Refuse(this);
                if (!check.Many(Nodes.Of(value), run))
                    return false;
            }
        }
        finally
        {
            run.Parent = parent;
            run.ParentPath = parentPath;
        }

        return true;
    }

    /// <summary>Whether the definition names every element of this POCO type (then only unknown children, overflow, can fail it).</summary>
    public bool NamesEvery(Type type) => OthersOf(type).Length == 0;

    private string[] OthersOf(Type type)
    {
        var mapping = Hl7.Fhir.Model.ModelInfo.ModelInspector.FindOrImportClassMapping(type);
        var named = children.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        return mapping?.PropertyMappings.Where(p => !p.RepresentsValueElement && !named.Contains(p.Name)).Select(p => p.Name).ToArray() ?? [];
    }
}
