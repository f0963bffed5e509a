using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Sync;

/// <summary>Between a mapped transaction Bundle and the store's rows of it, both ways.</summary>
internal static class StoredBundles
{
    /// <summary>The store's rows for a mapped Bundle, each with its validation state.</summary>
    public static List<MappedResource> ToStored(Bundle bundle, Func<IReadOnlyList<Resource>, IReadOnlyList<ResourceValidation>> validateAll)
    {
        var validations = validateAll([.. bundle.Entry.Select(e => e.Resource!)]);
        return [.. bundle.Entry.Select((e, i) => new MappedResource(
            e.Resource!.TypeName,
            IdentityOf(e.Request!.Url!),
            e.FullUrl!["urn:uuid:".Length..],
            e.Request.Url!,
            FhirJson.Serialize(e.Resource, pretty: false),
            validations[i]))];
    }

    /// <summary>The transaction Bundle again, from the stored rows (same fullUrls, same conditional requests).</summary>
    public static Bundle FromStored(IEnumerable<StoredResource> resources) => new()
    {
        Type = Bundle.BundleType.Transaction,
        Entry = [.. resources.Select(r => new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{r.LogicalId}",
            Resource = FhirJson.Parse<Resource>(r.Json),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = r.RequestUrl },
        })],
    };

    /// <summary>
    /// The identity a conditional URL names, as <c>system|value</c>: the identifier, the Provenance's tag, or a
    /// Questionnaire's url and version.
    /// </summary>
    public static string IdentityOf(string requestUrl)
    {
        var query = requestUrl[(requestUrl.IndexOf('?', StringComparison.Ordinal) + 1)..];
        var parameters = query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        return parameters.TryGetValue("url", out var url) ? $"{url}|{parameters.GetValueOrDefault("version")}"
            : parameters.GetValueOrDefault("identifier") ?? parameters.GetValueOrDefault("_tag") ?? query;
    }
}
