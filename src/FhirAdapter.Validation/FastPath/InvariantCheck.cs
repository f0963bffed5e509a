namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// A FHIRPath invariant (Firely's FhirPathValidator) as a C# predicate from <see cref="Invariants"/>, used only
/// where the key and the expression are exactly the ones the predicate was written and proven for. The predicate
/// answers true only where Firely's evaluation is exactly <c>true</c> (an empty result fails in Firely too).
/// </summary>
internal sealed class InvariantCheck(string key, string expression, Func<object, FastRun, bool> predicate) : PlanCheck
{
    public string Key => key;

    public string Expression => expression;

    public override bool One(object node, FastRun run) => predicate(node, run) || run.Refuse(this);
}
