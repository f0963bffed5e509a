using System.Globalization;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Options;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Api.Search;

/// <summary>A type search's parameters, checked: an unknown or malformed parameter is a 400, never silently ignored.</summary>
internal sealed record SearchRequest(string ResourceType)
{
    /// <summary>Our keyset cursor in next links (the position of the last row looked at).</summary>
    public const string CursorParameter = "_cursor";

    /// <summary>Accepted and without effect: JSON is the only format, and the notice Provenance is always included.</summary>
    private static readonly string[] Ignored = ["_format", "_revinclude"];

    public string? Id { get; init; }

    public string? Patient { get; init; }

    public string? Identifier { get; init; }

    public string? Url { get; init; }

    public IReadOnlyList<IReadOnlyList<TokenParameter>> Category { get; init; } = [];

    public IReadOnlyList<IReadOnlyList<TokenParameter>> Code { get; init; } = [];

    public DateRange LastUpdated { get; init; } = new(null, null);

    public int Count { get; init; }

    public long Cursor { get; init; }

    /// <summary>The parameters as given (query string, or form of a POST <c>_search</c>): what self and next links repeat.</summary>
    public IQueryCollection Parameters { get; init; } = QueryCollection.Empty;

    public static SearchRequest Parse(string type, IQueryCollection query, FhirApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        var allowed = SearchTypes.Parameters(type).Concat(SearchTypes.Common).Append(CursorParameter).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (Ignored.Contains(name))
            {
                continue;
            }

            if (!allowed.Contains(name))
            {
                throw FhirApiException.BadRequest(
                    $"Unknown or unsupported search parameter '{name}' for {type}; supported: {string.Join(", ", SearchTypes.Parameters(type).Concat(SearchTypes.Common))}");
            }

            if (values.Any(string.IsNullOrWhiteSpace))
            {
                throw FhirApiException.BadRequest($"Search parameter '{name}' has an empty value");
            }

            if (values.Count > 1 && name is not ("_lastUpdated" or "category" or "code"))
            {
                throw FhirApiException.BadRequest($"Search parameter '{name}' may be given once");
            }
        }

        if (query["_format"] is { Count: > 0 } format && !format.ToString().Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw FhirApiException.BadRequest("_format: only JSON is served");
        }

        var count = PageSize(query, options);
        long cursor = 0;
        if (query.TryGetValue(CursorParameter, out var cursorText) && !long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            throw FhirApiException.BadRequest($"{CursorParameter} is not a cursor from a next link");
        }

        var patient = PatientId(query["patient"]);
        return new SearchRequest(type)
        {
            Id = query["_id"],
            Patient = patient,
            Identifier = query["identifier"],
            Url = query["url"],
            Category = Tokens(query["category"]),
            Code = Tokens(query["code"]),
            LastUpdated = DateRange.Parse(query["_lastUpdated"].OfType<string>(), "_lastUpdated"),
            Count = count,
            Cursor = cursor,
            Parameters = query,
        };
    }

    /// <summary><c>_count</c>: the page size asked for, capped; the default without one; 400 when it is not a positive number.</summary>
    public static int PageSize(IQueryCollection query, FhirApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        var count = options.DefaultPageSize;
        if (query.TryGetValue("_count", out var countText))
        {
            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1)
            {
                throw FhirApiException.BadRequest("_count must be a positive whole number");
            }

            count = Math.Min(count, options.MaxPageSize);
        }

        return count;
    }

    /// <summary>The logical id a <c>patient</c> parameter names: <c>123</c>, <c>Patient/123</c> or an absolute URL ending in <c>Patient/123</c>.</summary>
    public static string? PatientId(string? patient)
    {
        if (patient is null)
        {
            return null;
        }

        var slash = patient.LastIndexOf('/');
        if (slash >= 0 && !patient[..slash].EndsWith("Patient", StringComparison.Ordinal))
        {
            throw FhirApiException.BadRequest("patient must be a Patient id or reference (Patient/{id})");
        }

        return patient[(slash + 1)..];
    }

    /// <summary>Each repetition must hold (AND); within one, any comma-separated value may (OR).</summary>
    private static IReadOnlyList<IReadOnlyList<TokenParameter>> Tokens(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.OfType<string>().Select(v => (IReadOnlyList<TokenParameter>)[.. v.Split(',').Select(TokenParameter.Parse)])];
}
