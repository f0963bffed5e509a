using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Sync;

/// <summary>Between a mapped transaction Bundle and the store's rows of it, both ways.</summary>
internal static class StoredBundles
{
    /// <summary>
    /// The store's rows for a mapped Bundle, each with its validation state. A resource whose JSON is the one stored
    /// before, judged by this same validator, keeps that outcome (validating it again could only give the same one);
    /// the others are validated, on <paramref name="validationThreads"/> threads of their own. Unchanged counts the
    /// outcomes kept.
    /// </summary>
    public static async Task<(List<MappedResource> Resources, int Unchanged)> ToStoredAsync(
        Bundle bundle, ResourceValidator validator, int validationThreads, IReadOnlyList<StoredResource> before)
    {
        var stored = before.ToDictionary(r => (r.ResourceType, r.Identifier));
        var rows = bundle.Entry.Select(e => (Entry: e, Identifier: IdentityOf(e.Request!.Url!), Json: FhirJson.Serialize(e.Resource!, pretty: false))).ToList();
        var standing = rows.Select(r =>
            stored.TryGetValue((r.Entry.Resource!.TypeName, r.Identifier), out var old) && old.Validation.ValidatedWith == validator.Fingerprint
                && string.Equals(old.Json, r.Json, StringComparison.Ordinal)
                ? old.Validation
                : null).ToList();
        var validations = await validator.ValidateAllAsync([.. rows.Select(r => r.Entry.Resource!)], standing, validationThreads).ConfigureAwait(false);
        List<MappedResource> resources = [.. rows.Select((r, i) => new MappedResource(
            r.Entry.Resource!.TypeName,
            r.Identifier,
            r.Entry.FullUrl!["urn:uuid:".Length..],
            r.Entry.Request!.Url!,
            r.Json,
            validations[i]))];
        return (resources, standing.Count(v => v is not null));
    }

    /// <summary>The transaction Bundle again, from the stored rows (same fullUrls, same conditional requests).</summary>
    public static Bundle FromStored(IEnumerable<StoredResource> resources) => new()
    {
        Type = Bundle.BundleType.Transaction,
        Entry = [.. resources.Select(r => new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{r.LogicalId}",
            Resource = FhirJson.ParseStored<Resource>(r.Json),
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
