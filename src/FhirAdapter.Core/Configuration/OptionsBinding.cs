using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Configuration;

/// <summary>
/// Binds a configuration section as <see cref="ConfigurationBinder.Bind(IConfiguration, object?)"/> does, after checking
/// that every value converts to its property's type. A value that does not (<c>Adapter:Telemetry:Console=maybe</c>, a
/// word where a number belongs) fails like any other bad value: an <see cref="OptionsValidationException"/> whose
/// message names the full key and says what it must be. The binder alone would throw prose with a stack trace, or,
/// inside a list (<c>Adapter:Destinations:0:...</c>), silently drop the whole item.
/// </summary>
public static class OptionsBinding
{
    /// <summary>Binds <paramref name="section"/> into <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">A value does not convert to its property's type (every such key is named).</exception>
    public static void Bind<TOptions>(IConfigurationSection section, TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var failures = Unconvertible(section, options.GetType());
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), failures);
        }

        section.Bind(options);
    }

    /// <summary>The keys under <paramref name="section"/> whose value the binder could not convert, each with what it must be.</summary>
    public static IReadOnlyList<string> Unconvertible(IConfigurationSection section, Type type)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(type);
        var failures = new List<string>();
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && ValueTypeAt(type, key) is { } target && !Converts(target, value))
            {
                failures.Add($"{ConfigurationPath.Combine(section.Path, key)} {Expected(Nullable.GetUnderlyingType(target) ?? target)}");
            }
        }

        failures.Sort(StringComparer.Ordinal);
        return failures;
    }

    /// <summary>The binder's conversion of a value: empty is null for a nullable, otherwise the type's converter, invariant culture.</summary>
    private static bool Converts(Type type, string value)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return value.Length == 0 || Converts(underlying, value);
        }

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>
    /// The type a value at <paramref name="key"/> is converted to: a scalar property (or list or dictionary item) the binder
    /// sets; null for a key it ignores (unknown, read-only, or below a scalar) or a type it does not convert from text.
    /// </summary>
    private static Type? ValueTypeAt(Type root, string key)
    {
        var type = root;
        foreach (var segment in key.Split(ConfigurationPath.KeyDelimiter))
        {
            if (IsScalar(type))
            {
                return null;
            }

            type = type.IsArray ? type.GetElementType()
                : Generic(type, typeof(IDictionary<,>)) is { } dictionary ? dictionary.GetGenericArguments()[1]
                : Generic(type, typeof(IEnumerable<>)) is { } list ? list.GetGenericArguments()[0]
                : type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property
                    && (property.CanWrite || !IsScalar(property.PropertyType)) ? property.PropertyType
                : null;
            if (type is null)
            {
                return null;
            }
        }

        return IsScalar(type) && type != typeof(string) && type != typeof(object) ? type : null;
    }

    private static bool IsScalar(Type type) =>
        type == typeof(string) || type == typeof(object) || TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).CanConvertFrom(typeof(string));

    private static Type? Generic(Type type, Type definition) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type : null)
        ?? type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    /// <summary>What a value of <paramref name="type"/> looks like, in the words of someone editing appsettings.json.</summary>
    private static string Expected(Type type) => type switch
    {
        { IsEnum: true } => "must be one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(bool) => "must be true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte) => "must be a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "must be a number",
        _ when type == typeof(TimeSpan) => "must be a duration such as " + TimeSpan.FromMinutes(5).ToString("c", CultureInfo.InvariantCulture),
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "must be a date and time such as 2026-01-31T08:00:00Z",
        _ => "must be a " + type.Name,
    };
}
