namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// One rule of the compiled plan, made from one of Firely's schema assertions. It answers only "Firely's assertion
/// certainly succeeds here without a message" (true) or "not proven" (false, and the resource goes to Firely): a
/// check never needs to know why something is invalid, only when it is clean.
/// </summary>
internal abstract class PlanCheck
{
    /// <summary>What the check is, where: e.g. <c>cardinality 1..* @ Observation.identifier</c> (for reports and the coverage test).</summary>
    public string Describe { get; init; } = "";

    /// <summary>The check applied to one instance element (Firely's <c>ValidateOne</c>).</summary>
    public abstract bool One(object node, FastRun run);

    /// <summary>The check applied to the elements of one name (Firely's <c>ValidateMany</c>): element by element unless a check judges the group.</summary>
    public virtual bool Many(Nodes nodes, FastRun run)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is not { } node)
                return run.Refuse(this);
            if (!One(node, run))
                return false;
        }

        return true;
    }

    /// <summary>The checks this one is made of (for walking the plan).</summary>
    public virtual IEnumerable<PlanCheck> Parts => [];

    public override string ToString() => Describe;
}
