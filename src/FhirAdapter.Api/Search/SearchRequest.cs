using System.Globalization;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Options;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FhirAdapter.Api.Search;

/// <summary>
/// A type search's parameters, checked. FHIR search.html §3.1.1.4 leaves unknown or unsupported parameters to the
/// server unless the client says: with <c>Prefer: handling=strict</c> each one is a 400; otherwise (lenient, the
/// default here) it is ignored, left out of the <c>self</c> link ("servers SHALL return the parameters that were
/// actually used to process the search") and named in an OperationOutcome entry (search mode <c>outcome</c>).
/// A malformed value of a supported parameter is a 400 either way.
/// </summary>
internal sealed record SearchRequest(string ResourceType)
{
    /// <summary>Our cursor in next links: a keyset position, or <c>o{offset}</c> in a sorted search.</summary>
    public const string CursorParameter = "_cursor";

    /// <summary>Sorted searches sort in memory: at most this many matches.</summary>
    public const int MaxSorted = 5000;

    public string? Id { get; init; }

    public string? Patient { get; init; }

    public string? Identifier { get; init; }

    public string? Url { get; init; }

    public IReadOnlyList<IReadOnlyList<TokenParameter>> Category { get; init; } = [];

    public IReadOnlyList<IReadOnlyList<TokenParameter>> Code { get; init; } = [];

    public DateRange LastUpdated { get; init; } = new(null, null);

    public IReadOnlyList<DateCondition> Date { get; init; } = [];

    public int Count { get; init; }

    public long Cursor { get; init; }

    /// <summary>The offset of a sorted search's page.</summary>
    public int Offset { get; init; }

    public IReadOnlyList<(string Key, bool Descending)> Sort { get; init; } = [];

    public IReadOnlyList<IncludeParameter> Includes { get; init; } = [];

    public IReadOnlyList<IncludeParameter> RevIncludes { get; init; } = [];

    /// <summary><c>_summary</c> / <c>_elements</c>; null for the whole resources.</summary>
    public ResultSubset? Subset { get; init; }

    /// <summary>The parameters used (query string or form of a POST <c>_search</c>): what self and next links repeat.</summary>
    public IQueryCollection Parameters { get; init; } = QueryCollection.Empty;

    /// <summary>What was ignored, and why (lenient handling): one warning each in the Bundle's outcome entry.</summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];

    public static bool IsStrict(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers["Prefer"].SelectMany(v => (v ?? "").Split([',', ';'], StringSplitOptions.TrimEntries))
            .Any(p => p.Equals("handling=strict", StringComparison.OrdinalIgnoreCase));
    }

    public static SearchRequest Parse(string type, IQueryCollection query, FhirApiOptions options, bool strict)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        var known = SearchTypes.AllParameters(type).Concat(SearchTypes.Result).Append(CursorParameter).Append("_format").ToHashSet(StringComparer.Ordinal);
        var ignored = new List<string>();
        var used = new Dictionary<string, StringValues>(StringComparer.Ordinal);

        void Unsupported(string message)
        {
            if (strict)
            {
                throw FhirApiException.BadRequest(message + " (Prefer: handling=strict)");
            }

            ignored.Add(message + ": ignored");
        }

        foreach (var (name, values) in query)
        {
            if (!known.Contains(name))
            {
                Unsupported($"Unknown or unsupported search parameter '{name}' for {type} (supported: {string.Join(", ", SearchTypes.AllParameters(type).Concat(SearchTypes.Result))})");
                continue;
            }

            if (values.Any(string.IsNullOrWhiteSpace))
            {
                throw FhirApiException.BadRequest($"Search parameter '{name}' has an empty value");
            }

            if (values.Count > 1 && name is not ("_lastUpdated" or "category" or "code" or "date" or "_include" or "_revinclude" or "_elements"))
            {
                throw FhirApiException.BadRequest($"Search parameter '{name}' may be given once");
            }

            used[name] = values;
        }

        var count = PageSize(query, options);
        long cursor = 0;
        var offset = 0;
        if (used.TryGetValue(CursorParameter, out var cursorText))
        {
            var text = cursorText.ToString();
            var valid = text.StartsWith('o')
                ? int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out offset)
                : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cursor);
            if (!valid)
            {
                throw FhirApiException.BadRequest($"{CursorParameter} is not a cursor from a next link");
            }
        }

        var sort = new List<(string, bool)>();
        if (used.TryGetValue("_sort", out var sortText))
        {
            foreach (var key in sortText.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var descending = key.StartsWith('-');
                var name = key.TrimStart('-');
                if (SearchTypes.SortKeys(type).Contains(name))
                {
                    sort.Add((name, descending));
                }
                else
                {
                    Unsupported($"_sort by '{name}' is not supported for {type} (supported: {string.Join(", ", SearchTypes.SortKeys(type))})");
                }
            }

            Replace(used, "_sort", sort.Count == 0 ? StringValues.Empty : new StringValues(string.Join(',', sort.Select(s => (s.Item2 ? "-" : "") + s.Item1))));
        }

        var includes = ParseIncludes(type, used, "_include", reverse: false, Unsupported);
        var revIncludes = ParseIncludes(type, used, "_revinclude", reverse: true, Unsupported);

        ResultSubset? subset = null;
        if (used.TryGetValue("_summary", out var summaryText))
        {
            SummaryType? summary = summaryText.ToString() switch
            {
                "true" => SummaryType.True,
                "text" => SummaryType.Text,
                "data" => SummaryType.Data,
                "false" => SummaryType.False,
                _ => null,
            };
            if (summary is null)
            {
                Unsupported($"_summary={summaryText} is not supported (true, text, data, false; count is not: totals are not given)");
                used.Remove("_summary");
            }
            else
            {
                subset = ResultSubset.ForSummary(summary.Value);
            }
        }

        if (used.TryGetValue("_elements", out var elementsText))
        {
            if (subset is not null)
            {
                throw FhirApiException.BadRequest("_summary and _elements cannot be combined");
            }

            subset = ResultSubset.ForElements(elementsText.SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray());
        }

        StringValues Get(string name) => used.TryGetValue(name, out var v) ? v : StringValues.Empty;
        var format = used.Remove("_format", out var formatValue);
        var request = new SearchRequest(type)
        {
            Id = Get("_id"),
            Patient = PatientId(Get("patient")),
            Identifier = Get("identifier"),
            Url = Get("url"),
            Category = Tokens(Get("category")),
            Code = Tokens(Get("code")),
            LastUpdated = DateRange.Parse(Get("_lastUpdated").OfType<string>(), "_lastUpdated"),
            Date = SearchTypes.HasDate(type) ? DateRange.Conditions(Get("date").OfType<string>(), "date") : [],
            Count = count,
            Cursor = cursor,
            Offset = offset,
            Sort = sort,
            Includes = includes,
            RevIncludes = revIncludes,
            Subset = subset,
            Ignored = ignored,
            Parameters = new QueryCollection(used),
        };
        if (format)
        {
            // _format stays in the links, so that the next page comes in the same format.
            used["_format"] = formatValue;
            request = request with { Parameters = new QueryCollection(used) };
        }

        return request;
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

    private static List<IncludeParameter> ParseIncludes(string type, Dictionary<string, StringValues> used, string name, bool reverse, Action<string> unsupported)
    {
        var found = new List<IncludeParameter>();
        if (!used.TryGetValue(name, out var values))
        {
            return found;
        }

        foreach (var value in values.OfType<string>())
        {
            if (IncludeParameter.TryParse(value, type, reverse, out var include))
            {
                found.Add(include);
            }
            else
            {
                unsupported($"{name}={value} is not supported (e.g. {(reverse ? "Provenance:target" : $"{type}:patient")}: a reference search parameter of a type this server reads)");
            }
        }

        Replace(used, name, new StringValues([.. found.Select(f => f.Text)]));
        return found;
    }

    private static void Replace(Dictionary<string, StringValues> used, string name, StringValues value)
    {
        if (value.Count > 0)
        {
            used[name] = value;
        }
        else
        {
            used.Remove(name);
        }
    }

    /// <summary>Each repetition must hold (AND); within one, any comma-separated value may (OR).</summary>
    private static IReadOnlyList<IReadOnlyList<TokenParameter>> Tokens(StringValues values) =>
        [.. values.OfType<string>().Select(v => (IReadOnlyList<TokenParameter>)[.. v.Split(',').Select(TokenParameter.Parse)])];
}
