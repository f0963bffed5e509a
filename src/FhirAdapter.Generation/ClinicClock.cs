using System.Globalization;
using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>Clinic-local times (America/New_York) and the records' text forms of them.</summary>
internal static class ClinicClock
{
    /// <summary>The instant of a local wall-clock time at the clinic, with the offset in force that day.</summary>
    public static DateTimeOffset At(DateOnly day, int minuteOfDay)
    {
        var local = day.ToDateTime(new TimeOnly(minuteOfDay / 60, minuteOfDay % 60), DateTimeKind.Unspecified);
        return new DateTimeOffset(local, RecordDates.ClinicTimeZone.GetUtcOffset(local));
    }

    /// <summary>A later instant, re-expressed in the offset in force then (it may cross a daylight-saving change).</summary>
    public static DateTimeOffset Later(DateTimeOffset from, int minutes)
    {
        var utc = from.UtcDateTime.AddMinutes(minutes);
        return new DateTimeOffset(utc).ToOffset(RecordDates.ClinicTimeZone.GetUtcOffset(utc));
    }

    /// <summary>The next clinic day (Monday to Saturday) on or after <paramref name="day"/>.</summary>
    public static DateOnly OpenOnOrAfter(DateOnly day) => day.DayOfWeek == DayOfWeek.Sunday ? day.AddDays(1) : day;

    public static string Iso(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>The wall-clock form CSV may use: no offset, read as clinic time.</summary>
    public static string Local(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
