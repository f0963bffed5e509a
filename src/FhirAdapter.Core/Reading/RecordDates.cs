using System.Globalization;
using System.Text.RegularExpressions;

namespace FhirAdapter.Core.Reading;

/// <summary>The date rules of the clinic's records: ISO dates, date-times with an offset, and CSV's clinic-local times.</summary>
public static partial class RecordDates
{
    /// <summary>CSV date-times without an offset are the clinic's local time.</summary>
    public static readonly TimeZoneInfo ClinicTimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeWithOffsetPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$")]
    private static partial Regex LocalDateTimePattern();

    public static bool TryParseDate(string text, out DateOnly value)
    {
        value = default;
        return DatePattern().IsMatch(text)
            && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    public static bool TryParseDateTimeWithOffset(string text, out DateTimeOffset value)
    {
        value = default;
        return DateTimeWithOffsetPattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>
    /// A CSV date-time: with an offset as given, without one in America/New_York. A local time that
    /// does not exist (the spring-forward gap) is rejected; an ambiguous one (the fall-back hour) is
    /// read as daylight time, the earlier of the two instants.
    /// </summary>
    public static bool TryParseClinicDateTime(string text, out DateTimeOffset value, out string? problem)
    {
        problem = null;
        if (TryParseDateTimeWithOffset(text, out value))
        {
            return true;
        }

        if (!LocalDateTimePattern().IsMatch(text)
            || !System.DateTime.TryParse(text.Replace(' ', 'T'), CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            problem = "must be a date-time such as 2026-03-12T10:05:00 (clinic time) or with an offset";
            return false;
        }

        local = System.DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (ClinicTimeZone.IsInvalidTime(local))
        {
            problem = "is a local time skipped by the daylight-saving change in America/New_York";
            return false;
        }

        var offset = ClinicTimeZone.IsAmbiguousTime(local)
            ? ClinicTimeZone.GetAmbiguousTimeOffsets(local).Max()
            : ClinicTimeZone.GetUtcOffset(local);
        value = new DateTimeOffset(local, offset);
        return true;
    }
}
