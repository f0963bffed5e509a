namespace FhirAdapter.Validation;

/// <summary>A ValueSet flattened for membership tests, or the reason it could not be.</summary>
internal sealed class ValueSetContents
{
    private readonly HashSet<(string System, string Code)> _codings;
    private readonly HashSet<string> _codes;

    private ValueSetContents(HashSet<(string, string)> codings, string? uncheckedReason, bool known)
    {
        _codings = codings;
        _codes = codings.Select(c => c.Item2).ToHashSet(StringComparer.Ordinal);
        UncheckedReason = uncheckedReason;
        Known = known;
    }

    /// <summary>Whether the ValueSet exists (in the package or the core specification).</summary>
    public bool Known { get; }

    /// <summary>Why membership cannot be decided here (a large external code system, a filter we cannot run, ...), or null.</summary>
    public string? UncheckedReason { get; }

    public bool IsCheckable => Known && UncheckedReason is null;

    /// <summary>The (system, code) pairs of an expanded ValueSet.</summary>
    public IReadOnlyCollection<(string System, string Code)> Codings => _codings;

    public static ValueSetContents Expanded(IEnumerable<(string System, string Code)> codings) => new(codings.ToHashSet(), null, true);

    public static ValueSetContents Unchecked(string reason) => new([], reason, true);

    public static ValueSetContents Unknown() => new([], null, false);

    public bool Contains(string? system, string code) =>
        system is null ? _codes.Contains(code) : _codings.Contains((system, code));
}
