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

    /// <summary>The instants the value covers at its own precision; a date without a zone is taken as UTC.</summary>
    private static bool TryParse(string text, out DateTimeOffset start, out DateTimeOffset end)
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
