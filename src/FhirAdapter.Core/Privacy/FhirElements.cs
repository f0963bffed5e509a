using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Privacy;

/// <summary>Walks every element of a resource, contained resources included: the one walk of the house (labels,
/// sensitivity, detached references, and the exchange's reference rewriting all use it).</summary>
public static class FhirElements
{
    public static IEnumerable<Base> Descendants(Base root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case Base child:
                        stack.Push(child);
                        break;
                    case IEnumerable<Base> children:
                        foreach (var child in children)
                        {
                            stack.Push(child);
                        }

                        break;
                }
            }
        }
    }
}
