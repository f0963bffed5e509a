using FhirAdapter.Core.Reading;

namespace FhirAdapter.Core.Privacy;

/// <summary>When a consent stops permitting: its <c>expiresAt</c> as an instant.</summary>
internal static class ConsentExpiry
{
    /// <summary>
    /// The first instant the consent no longer covers. A date-only expiry means through the end of
    /// that day in the clinic's time zone (America/New_York), so the end is the next local midnight.
    /// False when the text is neither a date nor a date-time with offset.
    /// </summary>
    public static bool TryGetEnd(string expiresAt, out DateTimeOffset end)
    {
        if (RecordDates.TryParseDateTimeWithOffset(expiresAt, out end))
        {
            return true;
        }

        if (RecordDates.TryParseDate(expiresAt, out var date))
        {
            // Midnight is never inside a New York daylight-saving gap (changes happen at 02:00), so the offset is unambiguous.
            var nextMidnight = date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            end = new DateTimeOffset(nextMidnight, RecordDates.ClinicTimeZone.GetUtcOffset(nextMidnight));
            return true;
        }

        end = default;
        return false;
    }
}
