using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// The compiled plan: every schema Firely built for the clinic's resources (core types, the package's profiles and
/// extensions, and the datatypes they use), as checks over the POCOs. <see cref="Accept"/> says whether a resource
/// is certainly valid without any message under Firely's validation; everything else is Firely's to judge.
/// </summary>
internal sealed class FastPlan
{
    /// <summary>Part of the validation fingerprint: change it with any change to how the plan is compiled or run.</summary>
    public const string Version = "fast-plan-1";

    private const string CoreBase = "http://hl7.org/fhir/StructureDefinition/";

    private readonly Dictionary<string, SchemaCheck> _schemas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PlanCheck> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _resourceTypes = new(StringComparer.Ordinal);

    /// <summary>Why a resource went to Firely when no schema check refused it: its type or a profile has no compiled schema.</summary>
    public PlanCheck NoSchema { get; } = new UnsupportedCheck { Describe = "no compiled schema for the resource type or a meta.profile" };

    /// <summary>Why a resource went to Firely when a check threw (a bug of the check: the proof's tests fail on it).</summary>
    public PlanCheck Threw { get; } = new UnsupportedCheck { Describe = "a check threw" };

    public static string CoreCanonical(string type) => CoreBase + type;

    /// <summary>The member checks of a compiled schema (for an extension: checked as a group), or null.</summary>
    public SchemaCheck? Schema(string canonical) => _schemas.GetValueOrDefault(canonical);

    /// <summary>What a reference to the schema means (a datatype per element, an extension by url, a resource with its profiles).</summary>
    public PlanCheck? Entry(string canonical) => _entries.GetValueOrDefault(canonical);

    public IReadOnlyDictionary<string, SchemaCheck> Schemas => _schemas;

    /// <summary>Every entry by canonical (for the saved plan).</summary>
    public IReadOnlyDictionary<string, PlanCheck> Entries => _entries;

    /// <summary>The resource type of each resource schema, by canonical (for the saved plan).</summary>
    public IReadOnlyDictionary<string, string> ResourceTypes => _resourceTypes;

    /// <summary>Whether every Coding the plan accepts has passed the package code check (so an accepted resource needs no separate walk).</summary>
    public bool ChecksPackageCodes { get; private set; }

    /// <summary>Adds the package code check to the Coding datatype's schema.</summary>
    internal void CheckPackageCodes(PackageCodingCheck check)
    {
        if (Schema(CoreCanonical("Coding")) is not { } coding)
            return;
        coding.Members = [.. coding.Members, check];
        ChecksPackageCodes = true;
    }

    internal void Add(string canonical, SchemaCheck schema, PlanCheck entry, string? resourceType)
    {
        _schemas[canonical] = schema;
        _entries[canonical] = entry;
        if (resourceType is not null)
            _resourceTypes[canonical] = resourceType;
    }

    /// <summary>Whether Firely would certainly find <paramref name="resource"/> valid with no message at all; if not, the check that refused.</summary>
    public bool Accept(Resource resource, out PlanCheck? refused, IPlanTracer? tracer = null)
    {
        var run = FastRun.Start(resource);
        run.Tracer = tracer;
        bool accepted;
        try
        {
            accepted = AcceptResource(resource, run);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A check that throws has proven nothing: Firely decides (fail closed). The proof's tests report it.
            run.Refuse(Threw);
            accepted = false;
        }

        refused = accepted ? null : run.Refused ?? NoSchema;
        return accepted;
    }

    /// <summary>A contained resource, with <c>%resource</c> set to it.</summary>
    public bool AcceptContained(Resource resource, FastRun run, SchemaCheck? also = null)
    {
        var current = run.Current;
        run.Current = resource;
        try
        {
            return AcceptResource(resource, run) && (also is null || also.One(resource, run));
        }
        finally
        {
            run.Current = current;
        }
    }

    // As Firely's ResourceSchema: the core type's schema and the schema of every meta.profile (a stricter conjunction
    // than Firely's minimal set of them, which is safe for an accepting validator).
    private bool AcceptResource(Resource resource, FastRun run)
    {
        if (resource.HasOverflow || Schema(CoreCanonical(resource.TypeName)) is not { } core || !IsResource(CoreCanonical(resource.TypeName), resource))
            return run.Refuse(NoSchema);
        if (!core.One(resource, run))
            return false;

        foreach (var profile in resource.Meta?.ProfileElement ?? [])
        {
            if (profile?.JsonValue is not string url || Schema(url) is not { } schema || !IsResource(url, resource))
                return run.Refuse(NoSchema);
            if (!schema.One(resource, run))
                return false;
        }

        return true;
    }

    private bool IsResource(string canonical, Resource resource) =>
        _resourceTypes.TryGetValue(canonical, out var type) && type == resource.TypeName;
}

/// <summary>A reference to a resource schema (a reference target): the resource as a whole (its profiles too), and this schema.</summary>
internal sealed class ResourceRefCheck(FastPlan plan, string canonical) : PlanCheck
{
    public string Canonical => canonical;

    public override bool One(object node, FastRun run)
    {
        if (node is not Resource resource || plan.Schema(canonical) is not { } schema)
            return run.Refuse(this);
        return plan.AcceptContained(resource, run, schema);
    }
}
