using System.Globalization;

namespace FhirAdapter.Operations;

/// <summary>Numbers, times and durations as the pages show them (UTC, invariant culture: the same on every server).</summary>
internal static class Format
{
    public static string Duration(TimeSpan span) =>
        span.TotalSeconds < 60 ? $"{span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
        : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
        : span.TotalHours < 48 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : $"{(int)span.TotalDays} days";

    /// <summary>UTC, as the layout's footer says.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? time) => time is { } t ? Time(t) : "";

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Age(DateTimeOffset since, DateTimeOffset now) => Duration(now - since);
}
