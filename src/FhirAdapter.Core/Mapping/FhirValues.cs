using System.Globalization;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>Small constructors for FHIR values, so mappers read as the mapping table does.</summary>
internal static class FhirValues
{
    public static string DateTime(DateTimeOffset value) =>
        value.ToString(value.Millisecond == 0 && value.Microsecond == 0 ? "yyyy-MM-dd'T'HH:mm:sszzz" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture);

    public static FhirDateTime FhirDateTime(DateTimeOffset value) => new(DateTime(value));

    public static Instant Instant(DateTimeOffset value) => new(value);

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static Coding Coding(string system, string code, string? display = null) => new(system, code, display);

    public static CodeableConcept Concept(string system, string code, string? display = null, string? text = null) =>
        new(system, code, display, text);

    public static Quantity Quantity(decimal value, string unit, string? code = null) => new()
    {
        Value = value,
        Unit = unit,
        System = Codes.Ucum,
        Code = code ?? unit,
    };

    public static Identifier Identifier(string system, string value) => new(system, value);

    public static Meta Profile(string profile) => new() { Profile = [profile] };

    public static CodeableConcept Category(string code, string display) =>
        new(Codes.ObservationCategory, code, display, null);

    /// <summary>A reference by business identifier, for things that live outside the Bundle (organizations, sites).</summary>
    public static ResourceReference Logical(string type, string system, string value, string? display = null) => new()
    {
        Type = type,
        Identifier = new Identifier(system, value),
        Display = display,
    };

    /// <summary>A slug safe in an identifier value: lower case letters, digits and dashes.</summary>
    public static string Slug(string text)
    {
        var chars = text.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '-').ToArray();
        var slug = new string(chars);
        while (slug.Contains("--", StringComparison.Ordinal))
        {
            slug = slug.Replace("--", "-", StringComparison.Ordinal);
        }

        return slug.Trim('-');
    }
}
