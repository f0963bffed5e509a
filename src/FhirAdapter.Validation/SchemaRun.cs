using System.Runtime.CompilerServices;
using Firely.Fhir.Validation;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

#pragma warning disable ExperimentalApi // ValidationState and IValidatable: the lower-level entry Firely's own Validator uses.

namespace FhirAdapter.Validation;

/// <summary>
/// Does what Firely's <c>Validator.Validate(resource, profile)</c> does, with two costs removed. Firely starts every run
/// with a fresh FhirPath compiler and an empty cache of compiled slice-discriminator paths
/// (<c>ValidationState.Global.FPCompilerCache</c>), so every validation re-parses the discriminator path of every
/// slice it meets: a quarter of the time of a vital-signs Observation. Here each run starts with this instance's
/// cache, filled by the earlier runs. The second is in the schemas themselves: required bindings remember the values
/// that passed them (<see cref="BindingMemo"/>). The checks and the outcome are Firely's own (a test compares them
/// with Firely's public Validator on Firely's own schemas, on every sample, valid and broken). The cache is internal to Firely; should a Firely version lack the members used here, every run goes
/// through Firely's public Validator instead: slower, same result. Not thread-safe: one instance per concurrent
/// caller (see <see cref="ValidatorPool"/>).
/// </summary>
internal sealed class SchemaRun
{
    private const string Assembly = ", Firely.Fhir.Validation";
    private const string GlobalState = "Firely.Fhir.Validation.ValidationState+GlobalState" + Assembly;
    private const string OutcomeExtensions = "Firely.Fhir.Validation.AssertionToOperationOutcomeExtensions" + Assembly;

    // The compiler Firely's PathSelectorValidator builds when the settings name none (standard FHIRPath + FHIR extensions).
    private static readonly FhirPathCompiler PathCompiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    private static volatile bool s_cacheReachable = true;

    private readonly ValidationSettings _settings;
    private readonly IElementSchemaResolver _schemas;
    private readonly Lazy<IElementSchemaResolver> _plainSchemas;
    private readonly SynchronizedResolver _resolver;
    private readonly PackageTerminologyService _terminology;
    private readonly FhirPathCompilerCache _paths = new(PathCompiler);
    private Validator? _fallback;
    private Validator? _reference;

    public SchemaRun(IElementSchemaResolver schemas, Lazy<IElementSchemaResolver> plainSchemas, PackageTerminologyService terminology, SynchronizedResolver resolver)
    {
        _schemas = schemas;
        _plainSchemas = plainSchemas;
        _resolver = resolver;
        _terminology = terminology;
        // The same settings Firely's Validator builds for itself from these arguments.
        _settings = new ValidationSettings(schemas, terminology)
        {
            ModelInspector = ModelInfo.ModelInspector,
            ConformanceResourceResolver = resolver,
        };
    }

    /// <summary>False once a run found Firely's internal path cache out of reach (runs then take Firely's public path).</summary>
    internal static bool UsesPathCache => s_cacheReachable;

    /// <summary>Validates against the core type's definition (and so every <c>meta.profile</c>), or against <paramref name="profile"/>.</summary>
    public OperationOutcome Validate(Resource resource, string? profile)
    {
        if (s_cacheReachable)
        {
            try
            {
                return ValidateWithPathCache(resource, profile);
            }
            catch (MissingMemberException)
            {
                s_cacheReachable = false;
            }
        }

        return (_fallback ??= new Validator(_resolver, _terminology, null, new ValidationSettings(), _schemas)).Validate(resource, profile);
    }

    /// <summary>Firely's public Validator on the schemas as Firely compiles them (no binding memo), for comparison in tests.</summary>
    internal OperationOutcome ValidateAsFirely(Resource resource, string? profile) =>
        (_reference ??= new Validator(_resolver, _terminology, null, new ValidationSettings(), _plainSchemas.Value)).Validate(resource, profile);

    private OperationOutcome ValidateWithPathCache(Resource resource, string? profile)
    {
        var state = new ValidationState();
        SetPathCache(GetGlobal(state), _paths);
        IValidatable root = new SchemaReferenceValidator(profile ?? Firely.Fhir.Validation.Canonical.ForCoreType(resource.TypeName).ToString());
        var report = root.Validate(resource.ToPocoNode(_settings.ModelInspector), _settings, state);
        return CleanUp(null, report).ToOperationOutcome();
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Global")]
    [return: UnsafeAccessorType(GlobalState)]
    private static extern object GetGlobal(ValidationState state);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_FPCompilerCache")]
    private static extern void SetPathCache([UnsafeAccessorType(GlobalState)] object global, FhirPathCompilerCache cache);

    // Firely's Validator applies this to every report (duplicate evidence removed, slice names added to messages).
    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "CleanUp")]
    private static extern ResultReport CleanUp([UnsafeAccessorType(OutcomeExtensions)] object? extensions, ResultReport report);
}
