namespace FhirAdapter.Store.Postgres;

/// <summary>
/// How values are written to PostgreSQL: timestamptz for times (to the microsecond, so a value is truncated once,
/// before it is stored and returned), UTC ticks where the exact .NET value matters. Enum codes are SQLite's, so
/// the two schemas read the same.
/// </summary>
internal static class PostgresValues
{
    public static DateTimeOffset Time(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }
}
