using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// Firely's ReferencedInstanceValidator without aggregation or versioning rules and without an external resolver:
/// a reference it cannot resolve passes unchecked; a local reference (<c>#id</c>) is resolved to the contained
/// resource, which must then conform to the target's schema for its type. Accepted here: no reference value,
/// <c>urn:uuid:</c>/<c>urn:oid:</c> references (they name no type), relative <c>Type/id</c> references to an allowed
/// type, and local references to a contained resource the plan accepts.
/// </summary>
internal sealed class ReferenceCheck(FastPlan plan, IReadOnlyDictionary<string, string> targets) : PlanCheck
{
    public IReadOnlyDictionary<string, string> Targets => targets;

    public override bool One(object node, FastRun run)
    {
        if (node is not ResourceReference reference || reference.HasOverflow)
            return run.Refuse(this);
        if (reference.ReferenceElement?.JsonValue is not string value)
            return reference.ReferenceElement is null || run.Refuse(this);

        if (value.StartsWith("urn:uuid:", StringComparison.Ordinal) || value.StartsWith("urn:oid:", StringComparison.Ordinal))
            return true;

        if (value.StartsWith('#'))
            return AcceptsContained(value[1..], run) || run.Refuse(this);

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return (slash > 0 && value.IndexOf(':', StringComparison.Ordinal) < 0 && value.IndexOf('/', slash + 1) < 0
            && (targets.Count == 0 || targets.ContainsKey(value[..slash]))) || run.Refuse(this);
    }

    private bool AcceptsContained(string id, FastRun run)
    {
        if (!ReferenceEquals(run.Current, run.Root) || run.Current is not DomainResource container || id.Length == 0)
            return false;
        Resource? found = null;
        foreach (var contained in container.Contained)
        {
            if (contained.Id == id)
            {
                if (found is not null)
                    return false;
                found = contained;
            }
        }

        if (found is null || !targets.TryGetValue(found.TypeName, out var target) || plan.Schema(target) is not { } schema)
            return false;

        return plan.AcceptContained(found, run, schema);
    }
}

/// <summary>Firely's UniqueContainedIdValidator: no two contained resources share an id.</summary>
internal sealed class UniqueContainedIdsCheck : PlanCheck
{
    public override bool One(object node, FastRun run) => true;

    public override bool Many(Nodes nodes, FastRun run)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is not Resource a)
                return run.Refuse(this);
            for (var j = 0; j < i; j++)
            {
                if (a.IdElement?.JsonValue is string { Length: > 0 } id && nodes[j] is Resource b && b.IdElement?.JsonValue as string == id)
                    return run.Refuse(this);
            }
        }

        return true;
    }
}

/// <summary>Firely's BaseTypeInvariantConstraintsValidator: the invariants of the instance's own type, less those already run.</summary>
internal sealed class BaseTypeInvariantsCheck(FastPlan plan, HashSet<string> alreadyValidated) : PlanCheck
{
    public IReadOnlySet<string> AlreadyValidated => alreadyValidated;

    public override bool One(object node, FastRun run)
    {
        if (node is not Base b || plan.Schema(FastPlan.CoreCanonical(b.TypeName)) is not { } schema)
            return run.Refuse(this);
        foreach (var member in schema.Members)
        {
            if (member is not InvariantCheck invariant || alreadyValidated.Contains(invariant.Key))
                continue;
            run.Tracer?.Reached(invariant, node, run);
            if (!invariant.One(node, run))
                return false;
        }

        return true;
    }
}
