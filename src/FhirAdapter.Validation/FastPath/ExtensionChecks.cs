using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// Firely's ExtensionSchema: extensions are grouped by url and each group is checked against the schema of its url
/// (as resolved by Firely when the plan was compiled); an extension without an absolute url against this schema
/// itself. An url the plan has no schema for is one Firely warns about: the resource goes to Firely.
/// </summary>
internal sealed class ExtensionSchemaCheck(FastPlan plan, SchemaCheck self) : PlanCheck
{
    public SchemaCheck Self => self;

    public override IEnumerable<PlanCheck> Parts => [self];

    public override bool One(object node, FastRun run) => Many(Nodes.Of(node), run);

    public override bool Many(Nodes nodes, FastRun run)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is not Extension extension)
                return run.Refuse(this);
            var url = extension.Url;
            var seen = false;
            for (var j = 0; j < i && !seen; j++)
                seen = ((Extension)nodes[j]!).Url == url;
            if (seen)
                continue;

            SchemaCheck schema;
            if (IsAbsolute(url))
            {
                if (plan.Schema(url!) is not { } resolved)
                    return run.Refuse(this);
                schema = resolved;
            }
            else
            {
                schema = self;
            }

            if (!schema.Many(Group(nodes, url, i), run))
                return false;
        }

        return true;
    }

    // Firely's Canonical.IsAbsolute: an absolute URI (or a urn).
    private static bool IsAbsolute(string? url) => url is not null && Uri.TryCreate(url, UriKind.Absolute, out _);

    private static Nodes Group(Nodes nodes, string? url, int first)
    {
        var n = 0;
        for (var i = first; i < nodes.Count; i++)
            n += ((Extension)nodes[i]!).Url == url ? 1 : 0;
        if (n == nodes.Count)
            return nodes;
        if (n == 1)
            return Nodes.Of(nodes[first]);
        var list = new List<object>(n);
        for (var i = first; i < nodes.Count; i++)
        {
            if (((Extension)nodes[i]!).Url == url)
                list.Add(nodes[i]!);
        }

        return Nodes.Of(list);
    }
}

/// <summary>
/// Firely's ExtensionContextValidator, for contexts that name an element: the extension sits on an element of that
/// type (Element and Base: anywhere), or on the element whose definition path is the context's path. Contexts of
/// other kinds and context invariants are not modelled.
/// </summary>
internal sealed class ExtensionContextCheck((string Type, string Expression)[] contexts) : PlanCheck
{
    public (string Type, string Expression)[] Contexts => contexts;

    public override bool One(object node, FastRun run)
    {
        if (contexts.Length == 0)
            return true;
        foreach (var (type, expression) in contexts)
        {
            if (type is not ("ELEMENT" or "RESOURCE" or "DATATYPE"))
                continue;
            if (expression is "Element" or "Base" || (type == "RESOURCE" && expression == "*") || (type == "DATATYPE" && expression == "Any"))
                return true;
            if (run.Parent is { } parent && (parent.TypeName == expression || run.ParentPath == expression))
                return true;
        }

        return run.Refuse(this);
    }
}
