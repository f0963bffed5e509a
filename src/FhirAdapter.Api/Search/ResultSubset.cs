using FhirAdapter.Core.Privacy;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirAdapter.Api.Search;

/// <summary>
/// <c>_summary</c> / <c>_elements</c> over a searchset: takes elements out of each matched or included resource, never
/// what a disclosure must carry. The §2.32 notice Provenance goes whole (its narrative is the notice), and every resource
/// keeps <c>id</c> and <c>meta</c> (its security labels); search.html lets a server return more than was asked. A
/// resource that lost an element is tagged SUBSETTED, one that lost nothing is not.
/// </summary>
/// <remarks>
/// Applied to the answer's own resources (made for this request) rather than through a serializer filter: Firely's
/// serializers deep-copy the whole Bundle and tag every resource in it, the notice too, whenever a filter is given.
/// </remarks>
internal sealed class ResultSubset
{
    public static readonly Coding Subsetted = new("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "SUBSETTED", "subsetted");

    /// <summary>Kept in every subset: without them a resource cannot be told apart, nor its labels read.</summary>
    private static readonly string[] AlwaysKept = ["id", "meta"];

    private readonly Func<PropertyMapping, bool> _keepTopLevel;

    /// <summary>Whether nested elements are judged too (<c>_summary=true</c>: "in summary" holds at every level).</summary>
    private readonly bool _nested;

    private ResultSubset(Func<PropertyMapping, bool> keepTopLevel, bool nested)
    {
        _keepTopLevel = keepTopLevel;
        _nested = nested;
    }

    /// <summary>The subset of a <c>_summary</c> value; null for <c>false</c> (the whole resources).</summary>
    public static ResultSubset? ForSummary(SummaryType summary) => summary switch
    {
        SummaryType.True => new(p => p.InSummary, nested: true),
        SummaryType.Text => new(p => p.IsMandatoryElement || p.Name is "text", nested: false),
        SummaryType.Data => new(p => p.Name is not "text", nested: false),
        SummaryType.False => null,
        _ => throw new ArgumentOutOfRangeException(nameof(summary), summary, "_summary=count is not offered"),
    };

    /// <summary><c>_elements</c>: the top-level elements named, and the mandatory ones (search.html: servers SHOULD return them).</summary>
    public static ResultSubset ForElements(IReadOnlyCollection<string> elements)
    {
        var names = elements.ToHashSet(StringComparer.Ordinal);
        return new(p => p.IsMandatoryElement || names.Contains(p.Name), nested: false);
    }

    /// <summary>Takes the elements out of the Bundle's entries, in place, and tags those that lost any.</summary>
    public void Apply(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        foreach (var resource in bundle.Entry.Select(e => e.Resource).OfType<Resource>())
        {
            if (IsCarriedWhole(resource) || !Prune(resource, topLevel: true))
            {
                continue;
            }

            resource.Meta ??= new Meta();
            if (!resource.Meta.Tag.Any(t => t.System == Subsetted.System && t.Code == Subsetted.Code))
            {
                resource.Meta.Tag.Add((Coding)Subsetted.DeepCopy());
            }
        }
    }

    /// <summary>The §2.32 notice (it is the disclosure's notice, whatever was asked) and the answer's OperationOutcome.</summary>
    private static bool IsCarriedWhole(Resource resource) =>
        resource is OperationOutcome || resource is Provenance p && p.Policy.Contains(PrivacyCodes.RedisclosureNoticePolicy);

    /// <summary>Removes what the subset leaves out; true when anything was removed.</summary>
    private bool Prune(Base node, bool topLevel)
    {
        var mapping = ModelInfo.ModelInspector.FindOrImportClassMapping(node.GetType());
        var removed = false;
        foreach (var (name, value) in node.EnumerateElements().ToList())
        {
            if (topLevel && AlwaysKept.Contains(name) || mapping?.FindMappedElementByName(name) is not { } property)
            {
                continue; // unknown (overflow) elements stay: more than asked is allowed
            }

            if (topLevel ? !_keepTopLevel(property) : !property.InSummary)
            {
                node.SetValue(name, null);
                removed = true;
            }
            else if (_nested)
            {
                foreach (var child in value is IEnumerable<Base> list ? list : [(Base)value])
                {
                    removed |= child is not PrimitiveType && Prune(child, topLevel: false);
                }
            }
        }

        return removed;
    }
}
