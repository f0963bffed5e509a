using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// Firely's BindingValidator with its default checks. A required binding needs a code (a Code's value, a Coding's
/// code, a concept with a coded Coding) that the local terminology service accepts: the ValueSet's expansion
/// contains it, or the ValueSet is one that cannot be checked here and unchecked codes are not reported. An
/// extensible binding on a concept needs a code or a text (else Firely warns); weaker bindings check nothing.
/// </summary>
internal sealed class BindingCheck : PlanCheck
{
    private readonly ValueSetContents? _contents;
    private readonly bool _required;
    private readonly bool _extensible;
    private readonly bool _refuseAll;

    /// <param name="contents">The ValueSet for a required binding, or null where every code passes (a ValueSet not checked here, unreported).</param>
    /// <param name="refuseAll">Firely reports something whatever the code (a package ValueSet that is missing, unchecked codes reported as warnings).</param>
    public BindingCheck(bool required, bool extensible, ValueSetContents? contents, bool refuseAll)
    {
        _required = required;
        _extensible = extensible;
        _contents = contents;
        _refuseAll = refuseAll;
    }

    public bool IsRequired => _required;

    public bool IsExtensible => _extensible;

    public ValueSetContents? Contents => _contents;

    public bool RefusesAll => _refuseAll;

    /// <summary>False for a preferred or example binding, which checks nothing.</summary>
    public bool CanRefuse => _required || _extensible;

    public override bool One(object node, FastRun run)
    {
        if (node is not Base b || b.HasOverflow)
            return run.Refuse(this);
        if (!_required)
            return !_extensible || b is not CodeableConcept cc || HasCode(cc) || !string.IsNullOrEmpty(cc.Text) || run.Refuse(this);
        if (_refuseAll)
            return run.Refuse(this);

        return b switch
        {
            PrimitiveType p when p is Code || p.GetType().IsGenericType => Accepts(null, p.JsonValue as string),
            FhirString s => Accepts(null, s.Value),
            FhirUri u => Accepts(null, u.Value),
            Coding coding => Accepts(coding.System, coding.Code),
            Quantity quantity => Accepts(quantity.System, quantity.Code),
            CodeableConcept concept => AcceptsConcept(concept),
            _ => false,
        } || run.Refuse(this);
    }

    // A code as FHIR's code type allows it (no leading, trailing or double whitespace): Firely reads other literals differently.
    private bool Accepts(string? system, string? code) =>
        IsCode(code) && (_contents is null || _contents.Contains(system, code!));

    private static bool IsCode(string? code) =>
        !string.IsNullOrEmpty(code) && !char.IsWhiteSpace(code[0]) && !char.IsWhiteSpace(code[^1]) && !code.Contains("  ", StringComparison.Ordinal)
        && code.AsSpan().IndexOfAny('\t', '\r', '\n') < 0;

    private bool AcceptsConcept(CodeableConcept concept)
    {
        if (!HasCode(concept))
            return false;
        foreach (var coding in concept.Coding)
        {
            if (!string.IsNullOrEmpty(coding.Code) && !IsCode(coding.Code))
                return false;
        }

        if (_contents is null)
            return true;
        foreach (var coding in concept.Coding)
        {
            if (coding.Code is { } code && IsCode(code) && _contents.Contains(coding.System, code))
                return true;
        }

        return false;
    }

    private static bool HasCode(CodeableConcept concept)
    {
        foreach (var coding in concept.Coding)
        {
            if (!string.IsNullOrEmpty(coding.Code))
                return true;
        }

        return false;
    }
}
