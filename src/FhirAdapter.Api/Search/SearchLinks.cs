using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Api.Search;

/// <summary>A searchset's <c>self</c> and <c>next</c> links: the parameters as the client gave them, the cursor ours.</summary>
internal static class SearchLinks
{
    /// <param name="typeUrl">The type's search URL, e.g. <c>https://host/fhir/Encounter</c>.</param>
    /// <param name="cursor">The cursor of this page (null on the first).</param>
    /// <param name="next">The cursor of the next page; null when this is the last.</param>
    public static List<Bundle.LinkComponent> For(string typeUrl, IQueryCollection parameters, string? cursor, string? next)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeUrl);
        ArgumentNullException.ThrowIfNull(parameters);
        var given = parameters.Where(p => p.Key != SearchRequest.CursorParameter)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))).ToList();
        List<Bundle.LinkComponent> links = [new() { Relation = "self", Url = typeUrl + QueryString.Create(cursor is null ? given : [.. given, new(SearchRequest.CursorParameter, cursor)]) }];
        if (next is not null)
        {
            links.Add(new() { Relation = "next", Url = typeUrl + QueryString.Create([.. given, new(SearchRequest.CursorParameter, next)]) });
        }

        return links;
    }
}
