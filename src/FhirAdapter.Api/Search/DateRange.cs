using System.Globalization;
using FhirAdapter.Api.Http;

namespace FhirAdapter.Api.Search;

/// <summary>A half-open interval of instants from FHIR date parameters (<c>_lastUpdated=ge2026-03-01&amp;_lastUpdated=lt2026-04</c>).</summary>
internal sealed record DateRange(DateTimeOffset? From, DateTimeOffset? Before)
{
    public static DateRange Parse(IEnumerable<string> values, string name)
    {
        DateTimeOffset? from = null, before = null;
        foreach (var raw in values)
        {
            var prefix = raw.Length > 2 && char.IsAsciiLetterLower(raw[0]) ? raw[..2] : "eq";
            var text = raw.Length > 2 && char.IsAsciiLetterLower(raw[0]) ? raw[2..] : raw;
            if (!TryParse(text, out var start, out var end))
            {
                throw FhirApiException.BadRequest($"{name}: '{raw}' is not a FHIR date or dateTime (e.g. 2026-03-01 or 2026-03-01T12:00:00Z)");
            }

            var (f, b) = prefix switch
            {
                "eq" => ((DateTimeOffset?)start, (DateTimeOffset?)end),
                "ge" => (start, null),
                "gt" => (end, null),
                "lt" => (null, start),
                "le" => (null, end),
                _ => throw FhirApiException.BadRequest($"{name}: prefix '{prefix}' is not supported (eq, gt, ge, lt, le)"),
            };
            if (f is { } nf && (from is null || nf > from))
            {
                from = nf;
            }

            if (b is { } nb && (before is null || nb < before))
            {
                before = nb;
            }
        }

        return new DateRange(from, before);
    }

    /// <summary>
    /// The conditions of a <c>date</c> parameter on a resource's period (each repetition must hold). FHIR search.html
    /// §3.1.1.4.2: eq — the search range fully contains the target's; ge / gt — the range above the value intersects
    /// the target's; le / lt — the range below it does (the ap prefix and the others are not supported).
    /// </summary>
    public static IReadOnlyList<DateCondition> Conditions(IEnumerable<string> values, string name)
    {
        var conditions = new List<DateCondition>();
        foreach (var raw in values)
        {
            var prefix = raw.Length > 2 && char.IsAsciiLetterLower(raw[0]) ? raw[..2] : "eq";
            var text = raw.Length > 2 && char.IsAsciiLetterLower(raw[0]) ? raw[2..] : raw;
            if (prefix is not ("eq" or "ge" or "gt" or "le" or "lt"))
            {
                throw FhirApiException.BadRequest($"{name}: prefix '{prefix}' is not supported (eq, gt, ge, lt, le)");
            }

            if (!TryParse(text, out var start, out var end))
            {
                throw FhirApiException.BadRequest($"{name}: '{raw}' is not a FHIR date or dateTime (e.g. 2026-03-01 or 2026-03-01T12:00:00Z)");
            }

            conditions.Add(new DateCondition(prefix, start, end));
        }

        return conditions;
    }

    /// <summary>The instants the value covers at its own precision; a date without a zone is taken as UTC.</summary>
    public static bool TryParse(string text, out DateTimeOffset start, out DateTimeOffset end)
    {
        var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        start = end = default;
        if (text.Length == 4 && DateTime.TryParseExact(text, "yyyy", CultureInfo.InvariantCulture, styles, out var year))
        {
            start = new DateTimeOffset(year, TimeSpan.Zero);
            end = start.AddYears(1);
            return true;
        }

        if (text.Length == 7 && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, styles, out var month))
        {
            start = new DateTimeOffset(month, TimeSpan.Zero);
            end = start.AddMonths(1);
            return true;
        }

        if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, styles, out var day))
        {
            start = new DateTimeOffset(day, TimeSpan.Zero);
            end = start.AddDays(1);
            return true;
        }

        // A dateTime must carry its zone (FHIR); its precision is the last unit given.
        if (text.Length > 10 && text[10] == 'T' && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out start))
        {
            var time = text.EndsWith('Z') ? text[11..^1] : text[11..^6];
            end = start + (time.Contains('.', StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(1) : time.Count(c => c == ':') >= 2 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1));
            return true;
        }

        return false;
    }
}

/// <summary>One <c>date</c> condition: a prefix and the instants its value covers, [Start, End).</summary>
internal sealed record DateCondition(string Prefix, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Whether a target period [from, to) meets the condition (an open end is unbounded).</summary>
    public bool Matches(DateTimeOffset? from, DateTimeOffset? to)
    {
        var low = from ?? DateTimeOffset.MinValue;
        var high = to ?? DateTimeOffset.MaxValue;
        return Prefix switch
        {
            "eq" => low >= Start && high <= End,
            "ge" => high > Start,
            "gt" => high > End,
            "le" => low < End,
            "lt" => low < Start,
            _ => false,
        };
    }
}
