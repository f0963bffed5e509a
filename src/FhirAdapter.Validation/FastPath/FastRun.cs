using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// The state of one fast-path validation: the resource being checked (FHIRPath's <c>%resource</c> and
/// <c>%rootResource</c>), the element whose children are being checked (an extension's context), and the first check
/// that refused, which says why a resource went to Firely. One per thread, reused.
/// </summary>
internal sealed class FastRun
{
    [ThreadStatic]
    private static FastRun? t_current;

    public Resource Root { get; private set; } = null!;

    /// <summary>The resource an invariant's <c>%resource</c> means: the root, or the contained resource being checked.</summary>
    public Resource Current { get; set; } = null!;

    /// <summary>The element whose children are being checked, and the definition path of its schema (for extension contexts).</summary>
    public Base? Parent { get; set; }

    public string? ParentPath { get; set; }

    /// <summary>Told of every check a run reaches (the proof's coverage: tests only); null in production.</summary>
    public IPlanTracer? Tracer { get; set; }

    /// <summary>The first check that did not accept, or null.</summary>
    public PlanCheck? Refused { get; private set; }

    public static FastRun Start(Resource root)
    {
        var run = t_current ??= new FastRun();
        run.Root = root;
        run.Current = root;
        run.Parent = null;
        run.ParentPath = null;
        run.Refused = null;
        run.Tracer = null;
        return run;
    }

    /// <summary>Records <paramref name="check"/> as the reason and answers false, for <c>return run.Refuse(this);</c>.</summary>
    public bool Refuse(PlanCheck check)
    {
        Refused ??= check;
        return Tracer is { } tracer && tracer.Refused(check, this);
    }
}

/// <summary>Hears of each check a run reaches, with the element it checks (or, for a group of none, the parent that lacks it).</summary>
internal interface IPlanTracer
{
    void Reached(PlanCheck check, object? node, FastRun run);

    /// <summary>Hears that a check refused; true goes on as if it had accepted (to learn every check that refuses), false stops the run as usual.</summary>
    bool Refused(PlanCheck check, FastRun run);
}
