using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// Collects the entries of one transaction Bundle, keyed by resource type and business identifier:
/// adding the same identity again replaces the entry in place (a later record's version wins), so
/// each resource appears once. Every entry is a conditional update on its identifier.
/// </summary>
public sealed class TransactionBuilder
{
    private readonly List<Bundle.EntryComponent> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>The fullUrl an entry with this identity has (or will have), for references made before it is added.</summary>
    public static string FullUrl(string resourceType, string system, string value) => StableIds.Urn(resourceType, system, value);

    public static ResourceReference Reference(string resourceType, string system, string value) => new(FullUrl(resourceType, system, value));

    /// <summary>Adds a resource under a conditional update on <paramref name="system"/>|<paramref name="value"/>.</summary>
    public ResourceReference Add(Resource resource, string system, string value) =>
        Add(resource, system, value, $"{resource.TypeName}?identifier={system}|{value}");

    /// <summary>Adds a resource under the given conditional-update query (Questionnaires use url and version).</summary>
    public ResourceReference Add(Resource resource, string system, string value, string conditionalUrl)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var fullUrl = FullUrl(resource.TypeName, system, value);
        var entry = new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = conditionalUrl },
        };

        if (_index.TryGetValue(fullUrl, out var at))
        {
            _entries[at] = entry;
        }
        else
        {
            _index[fullUrl] = _entries.Count;
            _entries.Add(entry);
        }

        return new ResourceReference(fullUrl);
    }

    public bool Contains(string resourceType, string system, string value) => _index.ContainsKey(FullUrl(resourceType, system, value));

    public IEnumerable<Bundle.EntryComponent> Entries => _entries;

    /// <summary>
    /// The Bundle, in dependency order: the Patient and Practitioners first, then courses and
    /// encounters, then what refers to them (in the order added), the Provenance last. Servers do
    /// not need this order, but a Bundle split into several transactions does.
    /// </summary>
    public Bundle Build() => new()
    {
        Type = Bundle.BundleType.Transaction,
        Entry = [.. _entries.OrderBy(e => Rank(e.Resource!.TypeName))],
    };

    private static int Rank(string type) => type switch
    {
        "Patient" => 0,
        "Practitioner" => 1,
        "EpisodeOfCare" => 2,
        "Encounter" => 3,
        "Provenance" => 9,
        _ => 5,
    };
}
