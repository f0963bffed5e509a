using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Sending;

/// <summary>Finds and rewrites the references inside a resource (contained resources and extensions included).</summary>
internal static class References
{
    public static IEnumerable<ResourceReference> All(Base root)
    {
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is ResourceReference reference)
            {
                yield return reference;
            }

            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case Base child:
                        stack.Push(child);
                        break;
                    case IEnumerable<Base> children:
                        foreach (var c in children)
                        {
                            stack.Push(c);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>Replaces each reference found in <paramref name="map"/> (fullUrl → <c>Type/id</c>).</summary>
    public static void Rewrite(Resource resource, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        foreach (var reference in All(resource).ToList())
        {
            if (reference.Reference is { } target && map.TryGetValue(target, out var replacement))
            {
                reference.Reference = replacement;
            }
        }
    }
}
