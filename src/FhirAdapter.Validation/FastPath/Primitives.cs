using System.Runtime.CompilerServices;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>Primitive values as Firely's PocoNode presents them to its validators.</summary>
internal static class Primitives
{
    /// <summary>
    /// The value Firely's validators read from an element (<c>PocoNode.Value</c>): the string of a plain-string
    /// child, the System-typed value of a primitive, or null.
    /// </summary>
    public static object? ValueOf(object node) => node switch
    {
        string s => s,
        Base { HasOverflow: true } => null, // unknown children: not a value the plan judges
        PrimitiveType p => p.JsonValue is string s && IsStringValued(p) ? s : TypedValue(p),
        _ => null,
    };

    /// <summary>The JSON literal of a primitive, or the string itself.</summary>
    public static object? LiteralOf(object node) => node switch
    {
        string s => s,
        Base { HasOverflow: true } => null,
        PrimitiveType p => p.JsonValue,
        _ => null,
    };

    /// <summary>Primitives whose System value is their literal unchanged (string, code, uri and their kin).</summary>
    public static bool IsStringValued(PrimitiveType p) =>
        p is FhirString or Code or Id or Markdown or FhirUri or Oid or Uuid or Canonical or FhirUrl or Base64Binary
        || p.GetType().IsGenericType; // Code<T>

    /// <summary>Whether the element is present in FHIRPath's sense with a value (not only extensions).</summary>
    public static bool HasValue(PrimitiveType? p) => p?.JsonValue is not null;

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "ToITypedElementValue")]
    private static extern object? TypedValue(PrimitiveType primitive);
}
