using System.Text.RegularExpressions;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Disclosure;

/// <summary>
/// A stored resource as a FHIR server returns it. The mapping writes transaction entries: no id, and references
/// between entries as <c>urn:uuid:</c> fullUrls. The logical id is that uuid, so each such reference becomes
/// <c>Type/uuid</c>, which resolves against this API.
/// </summary>
internal static partial class ResourceMaterializer
{
    public static IReadOnlyDictionary<string, string> TypesByLogicalId(IEnumerable<StoredResource> resources)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            types.TryAdd(resource.LogicalId, resource.ResourceType);
        }

        return types;
    }

    public static Resource Materialize(StoredResource stored, IReadOnlyDictionary<string, string> typeByLogicalId)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(typeByLogicalId);
        var json = UrnReference().Replace(stored.Json, m =>
            typeByLogicalId.TryGetValue(m.Groups["id"].Value, out var type) ? $"\"{type}/{m.Groups["id"].Value}\"" : m.Value);
        var resource = FhirJson.ParseStored<Resource>(json);
        resource.Id = stored.LogicalId;
        resource.Meta ??= new Meta();
        resource.Meta.LastUpdated = stored.MappedAt;
        // The content hash is the store's version of the resource: a client can tell a changed resource by it.
        resource.Meta.VersionId = stored.ContentHash[..16];
        return resource;
    }

    /// <summary>Whether the resource was withdrawn at the source (its status is entered-in-error).</summary>
    public static bool IsEnteredInError(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        foreach (var (name, value) in resource.EnumerateElements())
        {
            if (name == "status")
            {
                return value is PrimitiveType { JsonValue: "entered-in-error" };
            }
        }

        return false;
    }

    [GeneratedRegex("\"urn:uuid:(?<id>[0-9a-fA-F-]{36})\"", RegexOptions.CultureInvariant)]
    private static partial Regex UrnReference();
}
