using FhirAdapter.Api.Http;
using FhirAdapter.Api.Options;
using FhirAdapter.Api.Search;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Api.Accounting;

/// <summary>An AuditEvent search's parameters, checked: an unknown or malformed parameter is a 400, never ignored.</summary>
internal sealed record AuditEventSearch
{
    /// <summary>The search parameters of AuditEvent besides <c>_count</c> (the CapabilityStatement lists them).</summary>
    public static readonly string[] Supported = ["patient", "date", "_id"];

    public string? PatientId { get; init; }

    public string? Id { get; init; }

    /// <summary>The AuditEvent's <c>recorded</c>: when the data left.</summary>
    public DateRange Date { get; init; } = new(null, null);

    public int Count { get; init; }

    /// <summary>The id of the last AuditEvent of the previous page.</summary>
    public string? Cursor { get; init; }

    /// <summary>The parameters as given, for the self and next links.</summary>
    public IQueryCollection Parameters { get; init; } = QueryCollection.Empty;

    /// <summary>Unknown or unsupported parameters ignored (lenient handling, the default), one message each.</summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];

    public static AuditEventSearch Parse(IQueryCollection query, FhirApiOptions options, bool strict = false)
    {
        var ignored = new List<string>();
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, values) in query)
        {
            if (name == "_format")
            {
                // Content negotiation (FhirFormats) has decided already.
                continue;
            }

            if (!Supported.Contains(name) && name is not "_count" and not SearchRequest.CursorParameter)
            {
                // As for every search (SearchRequest): 400 only under Prefer: handling=strict.
                var message = $"Unknown or unsupported search parameter '{name}' for {AuditEventService.ResourceType}; supported: {string.Join(", ", Supported)}, _count";
                if (strict)
                {
                    throw FhirApiException.BadRequest(message + " (Prefer: handling=strict)");
                }

                ignored.Add(message + ": ignored");
                continue;
            }

            if (values.Any(string.IsNullOrWhiteSpace))
            {
                throw FhirApiException.BadRequest($"Search parameter '{name}' has an empty value");
            }

            if (values.Count > 1 && name != "date")
            {
                throw FhirApiException.BadRequest($"Search parameter '{name}' may be given once");
            }
        }

        return new AuditEventSearch
        {
            PatientId = SearchRequest.PatientId(query["patient"]),
            Id = query["_id"],
            Date = DateRange.Parse(query["date"].OfType<string>(), "date"),
            Count = SearchRequest.PageSize(query, options),
            Cursor = query[SearchRequest.CursorParameter],
            Parameters = new QueryCollection(query.Where(q => Supported.Contains(q.Key) || q.Key is "_count" or "_format" or SearchRequest.CursorParameter).ToDictionary(q => q.Key, q => q.Value)),
            Ignored = ignored,
        };
    }
}
