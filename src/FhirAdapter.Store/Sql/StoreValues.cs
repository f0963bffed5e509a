using System.Data.Common;
using System.Globalization;

namespace FhirAdapter.Store.Sql;

/// <summary>Values stored alike in every database: an enum as its kebab-case code (<c>EnteredInError</c>: <c>entered-in-error</c>), the exported time with its own offset.</summary>
internal static class StoreValues
{
    public static string Code<T>(T value)
        where T : struct, Enum => Codes<T>.ByValue[value];

    public static T Parse<T>(string code)
        where T : struct, Enum => Codes<T>.ByCode[code];

    /// <summary>The exported time with its own offset, so a rehydrated record is the record that was read.</summary>
    public static string Original(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseOriginal(string value) => DateTimeOffset.ParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? NullableInt(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>Each enum's codes, made once (no reflection per row).</summary>
    private static class Codes<T>
        where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(v => v, v => Kebab(v.ToString()));

        public static readonly Dictionary<string, T> ByCode = ByValue.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        private static string Kebab(string name) =>
            string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
    }
}
