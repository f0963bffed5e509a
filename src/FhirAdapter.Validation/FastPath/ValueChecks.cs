using System.Text.RegularExpressions;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>Firely's FhirTypeLabelValidator: the instance is of this FHIR type.</summary>
internal sealed class TypeLabelCheck(string label) : PlanCheck
{
    public string Label => label;

    public override bool One(object node, FastRun run) => Is(node) || run.Refuse(this);

    public bool Is(object node) => node is Base b && b.TypeName == label;
}

/// <summary>ele-1 as Firely runs it natively: a value, or a child other than <c>id</c>.</summary>
internal sealed class Ele1Check : PlanCheck
{
    private readonly TypeCache<string[]> _names = new(Properties.Of);

    public override bool One(object node, FastRun run) => Holds(node) || run.Refuse(this);

    private bool Holds(object node)
    {
        switch (node)
        {
            case string s:
                return s is not null;
            case PrimitiveType p:
                return p.JsonValue is not null || p.Extension.Count > 0;
            case Base b:
                if (b.HasOverflow)
                    return false;
                foreach (var property in _names.For(b.GetType()))
                {
                    if (property != "id" && b.TryGetValue(property, out var value) && Nodes.Of(value).Count > 0)
                        return true;
                }

                return false;
            default:
                return false;
        }
    }
}

/// <summary>ext-1 as Firely runs it natively: an extension has extensions or a value, not both.</summary>
internal sealed class Ext1Check : PlanCheck
{
    public override bool One(object node, FastRun run) =>
        (node is Extension e && !e.HasOverflow && (e.Extension.Count > 0) != (e.Value is not null)) || run.Refuse(this);
}

/// <summary>Firely's MaxLengthValidator: a string value is at most this long (other values pass).</summary>
internal sealed class MaxLengthCheck(int maximum) : PlanCheck
{
    public int Maximum => maximum;

    public override bool One(object node, FastRun run) =>
        Primitives.ValueOf(node) is not string s || s.Length <= maximum || run.Refuse(this);
}

/// <summary>Firely's RegExValidator: the value, as Firely writes it as a string, matches the whole pattern.</summary>
internal sealed class RegexCheck(string pattern) : PlanCheck
{
    private readonly Regex _regex = new($"^{pattern}$", RegexOptions.Compiled);

    public string Pattern => pattern;

    private readonly LiteralMemo _memo = new();
    private Func<PrimitiveType, bool>? _matches;

    public override bool One(object node, FastRun run)
    {
        if (node is PrimitiveType { HasOverflow: false, JsonValue: string literal } primitive)
            return _memo.Get(primitive, literal, _matches ??= Matches) || run.Refuse(this);
        return Matches(node) || run.Refuse(this);
    }

    private bool Matches(object node)
    {
        var value = Primitives.ValueOf(node);
        var text = value as string ?? (value is null ? null : PrimitiveTypeConverter.ConvertTo<string>(value));
        return text is not null && _regex.IsMatch(text);
    }
}

/// <summary>Firely's FhirStringValidator: a string value that is not empty.</summary>
internal sealed class FhirStringCheck : PlanCheck
{
    public override bool One(object node, FastRun run) =>
        Primitives.ValueOf(node) is string { Length: > 0 } || run.Refuse(this);
}

/// <summary>
/// Firely's PrimitiveLiteralTypeValidator and FhirUriValidator: both pass when the primitive's literal is a valid
/// value of its type (<c>HasValidValue</c>), and for the plain-string children.
/// </summary>
internal sealed class ValidLiteralCheck : PlanCheck
{
    private static readonly Func<PrimitiveType, bool> ValidFunc = Valid;

    private readonly LiteralMemo _memo = new();

    public override bool One(object node, FastRun run) => node switch
    {
        string => true,
        PrimitiveType { HasOverflow: false, JsonValue: null } => true,
        PrimitiveType { HasOverflow: false, JsonValue: string literal } p => _memo.Get(p, literal, ValidFunc),
        PrimitiveType { HasOverflow: false } p => Valid(p),
        Base { HasOverflow: false } and not PrimitiveType => true,
        _ => false,
    } || run.Refuse(this);

    private static bool Valid(PrimitiveType p) => p.HasValidValue() && PlainUri(p);

    // Firely parses uris in places (canonicals, references) where a literal with whitespace throws: left to Firely.
    private static bool PlainUri(PrimitiveType p)
    {
        if (p is not FhirUri)
            return true;
        if (p.JsonValue is not string s)
            return false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
                return false;
        }

        return Uri.TryCreate(s, UriKind.RelativeOrAbsolute, out _);
    }
}

/// <summary>Three answers for the conditions that sort elements into slices: a wrong "no" would put an element in the wrong slice.</summary>
internal enum Tri
{
    No,
    Yes,
    Unknown,
}

/// <summary>Firely's FixedValidator for a primitive fixed value: the same value, and no id or extension (exact equality).</summary>
internal sealed class FixedCheck(object fixedValue, string display) : PlanCheck
{
    public object Value => fixedValue;

    public string Display => display;

    public override bool One(object node, FastRun run) => Match(node) == Tri.Yes || run.Refuse(this);

    public Tri Match(object node)
    {
        if (node is Base { HasOverflow: true })
            return Tri.Unknown;
        var value = Primitives.LiteralOf(node);
        if (value is null)
            return node is PrimitiveType or string ? Tri.No : Tri.Unknown;
        if (!ValuesEqual(value, fixedValue))
            return value.GetType() == fixedValue.GetType() ? Tri.No : Tri.Unknown;
        return node is PrimitiveType p && (p.Extension.Count > 0 || p.ElementId is not null) ? Tri.No : Tri.Yes;
    }

    internal static bool ValuesEqual(object a, object b) => a is string sa && b is string sb ? string.Equals(sa, sb, StringComparison.Ordinal) : a.GetType() == b.GetType() && a.Equals(b);
}

/// <summary>
/// Firely's PatternValidator (the SDK's <c>Matches</c>): every element of the pattern is in the instance with the
/// same value; the instance may have more. Patterns of primitives and of datatypes made of primitives and lists of
/// such datatypes (Coding, CodeableConcept, Identifier, Quantity).
/// </summary>
internal sealed class PatternCheck(Base pattern, string display) : PlanCheck
{
    public Base Pattern => pattern;

    public string Display => display;

    public override bool One(object node, FastRun run) => Match(node) == Tri.Yes || run.Refuse(this);

    public Tri Match(object node) => Matches(node, pattern);

    /// <summary>Whether the pattern can be matched by <see cref="Matches"/> (no ids, no extensions, no nested resources).</summary>
    public static bool Supported(Base pattern) => pattern switch
    {
        PrimitiveType p => p.JsonValue is not null && p.Extension.Count == 0 && p.ElementId is null,
        Extension or Resource => false,
        _ => !pattern.HasOverflow && pattern.EnumerateElements().All(e => e.Key != "id" && e.Key != "extension" && e.Value switch
        {
            Base b => Supported(b),
            IEnumerable<Base> list => list.All(Supported),
            _ => false,
        }),
    };

    private static Tri Matches(object instance, Base pattern)
    {
        if (instance is Base { HasOverflow: true })
            return Tri.Unknown;
        if (pattern is PrimitiveType p)
        {
            var value = Primitives.LiteralOf(instance);
            if (value is null)
                return Tri.Unknown; // Firely accepts a primitive without value that has extensions: not decided here
            return FixedCheck.ValuesEqual(value, p.JsonValue!) ? Tri.Yes : value.GetType() == p.JsonValue!.GetType() ? Tri.No : Tri.Unknown;
        }

        if (instance is not Base b || b.HasOverflow || b.TypeName != pattern.TypeName)
            return Tri.Unknown;

        var answer = Tri.Yes;
        foreach (var (name, patternValue) in pattern.EnumerateElements())
        {
            b.TryGetValue(name, out var instanceValue);
            var items = Nodes.Of(instanceValue);
            foreach (var wanted in patternValue is IEnumerable<Base> many ? many : [(Base)patternValue])
            {
                var found = Tri.No;
                for (var i = 0; i < items.Count && found != Tri.Yes; i++)
                {
                    var m = items[i] is { } item ? Matches(item, wanted) : Tri.Unknown;
                    if (m == Tri.Yes || m == Tri.Unknown)
                        found = m;
                }

                if (found == Tri.No)
                    return Tri.No;
                if (found == Tri.Unknown)
                    answer = Tri.Unknown;
            }
        }

        return answer;
    }
}

/// <summary>Firely's CanonicalValidator: a canonical whose value is absolute or a fragment reference.</summary>
internal sealed class CanonicalCheck : PlanCheck
{
    public override bool One(object node, FastRun run)
    {
        if (node is not Hl7.Fhir.Model.Canonical canonical)
            return run.Refuse(this);
        if (canonical.JsonValue is not string)
            return true;
        try
        {
            return canonical.HasAnchor || canonical.IsAbsolute || run.Refuse(this);
        }
        catch (UriFormatException)
        {
            return run.Refuse(this);
        }
    }
}

/// <summary>Firely's MinMaxValueValidator for numeric limits: a number at least (or at most) the limit; no value passes.</summary>
internal sealed class MinMaxCheck(decimal limit, bool isMinimum) : PlanCheck
{
    public decimal Limit => limit;

    public bool IsMinimum => isMinimum;

    public override bool One(object node, FastRun run)
    {
        if (node is not PrimitiveType p)
            return run.Refuse(this);
        if (p.JsonValue is null)
            return true;
        decimal? value = p.JsonValue switch
        {
            int i => i,
            long l => l,
            decimal d => d,
            _ => null,
        };
        return (value is { } v && p.HasValidValue() && (isMinimum ? v >= limit : v <= limit)) || run.Refuse(this);
    }
}
