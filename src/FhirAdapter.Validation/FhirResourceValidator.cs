using System.Diagnostics;
using FhirAdapter.Validation.FastPath;
using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Validation;

/// <summary>
/// Validates FHIR R4 resources against the base specification, the clinic's profiles (every profile named in
/// <c>meta.profile</c>) and the clinic's code systems, entirely offline. Build one per process (loading the
/// specification and compiling the profiles is the expensive part) and share it: <see cref="Validate(Resource)"/> is
/// safe to call from many threads at once.
/// </summary>
public sealed class FhirResourceValidator
{
    // Keep resolved conformance resources for the life of the process (the default expires them after 4 hours).
    private const int ResolverCacheSeconds = 10 * 365 * 24 * 3600;

    private readonly ProfilePackage _package;
    private readonly HashSet<string> _packageProfiles;
    private readonly bool _redactValues;
    private readonly ValidatorPool _pool;
    private readonly PackageCodeChecker _codeChecker;
    private readonly FastPlan? _plan;
    private readonly long _doubleCheckPeriod;
    private long _fastAccepted;
    private long _fastRefused;
    private long _doubleChecked;
    private long _disagreements;

    /// <summary>Loads the package and the specification with default options (profiles/ found by walking up).</summary>
    public FhirResourceValidator()
        : this(new FhirValidationOptions())
    {
    }

    /// <summary>Loads the package and the specification (for dependency injection).</summary>
    public FhirResourceValidator(IOptions<FhirValidationOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Loads the package and the specification, generates the package's snapshots and, unless disabled, compiles its profiles.</summary>
    /// <exception cref="DirectoryNotFoundException">No package folder was found.</exception>
    /// <exception cref="FileNotFoundException">specification.zip was not found.</exception>
    /// <exception cref="InvalidDataException">A package file is not valid, or a profile's snapshot could not be generated.</exception>
    public FhirResourceValidator(FhirValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();

        _package = ProfilePackage.Load(ProfilesLocator.ResolveProfilesPath(options.ProfilesPath));
        var specification = new CoreSpecificationSource(
            ProfilesLocator.ResolveSpecificationPath(options.SpecificationPath), options.SpecificationCachePath);

        var snapshotSettings = new SnapshotGeneratorSettings { GenerateSnapshotForExternalProfiles = true, GenerateElementIds = true };
        var snapshots = new SnapshotSource(
            new MultiResolver(new InMemoryResourceResolver(_package.Resources), specification), snapshotSettings);
        var resolver = new SynchronizedResolver(new CachedResolver(snapshots, ResolverCacheSeconds));

        GenerateSnapshots(resolver, snapshots.Generator);

        var terminology = new PackageTerminologyService(resolver, _package, options.ReportUncheckedCodes);
#pragma warning disable ExperimentalApi // Firely's documented way to build a schema resolver over a custom resolver chain.
        var schemas = new SharedSchemaResolver(
            StructureDefinitionToElementSchemaResolver.CreatedCached(resolver, [new MemoizingSchemaBuilder(resolver, new BindingSuccesses())]), resolver.Gate);
        // Firely's schemas as Firely builds them, for holding the shortcuts above to Firely's own results (tests only).
        var plainSchemas = new Lazy<IElementSchemaResolver>(() => new SharedSchemaResolver(StructureDefinitionToElementSchemaResolver.CreatedCached(resolver), resolver.Gate));
#pragma warning restore ExperimentalApi
        PlainSchemas = plainSchemas;
        _pool = new ValidatorPool(() => new SchemaRun(schemas, plainSchemas, terminology, resolver));
        _codeChecker = new PackageCodeChecker(_package);
        _packageProfiles = _package.StructureDefinitions.Select(sd => sd.Url!).ToHashSet(StringComparer.Ordinal);
        Terminology = terminology;
        _redactValues = options.RedactValues;

        if (options.WarmUp)
        {
            foreach (var url in _packageProfiles)
                schemas.GetSchema(new Firely.Fhir.Validation.Canonical(url));
        }

        if (options.FastPath)
        {
            if (options.FastPathDoubleCheck is < 0 or > 1 || double.IsNaN(options.FastPathDoubleCheck))
                throw new ArgumentOutOfRangeException(nameof(options), "Adapter:Validation:FastPathDoubleCheck must be between 0 and 1.");
            var compiler = new PlanCompiler(schemas, terminology, _package, options.ReportUncheckedCodes);
            _plan = compiler.Compile(_packageProfiles.Concat(FastPlanRoots.CoreTypes.Select(FastPlan.CoreCanonical)));
            _plan.CheckPackageCodes(new PackageCodingCheck(_codeChecker));
            NotModelled = compiler.NotModelled;
            _doubleCheckPeriod = options.FastPathDoubleCheck <= 0 ? 0 : (long)Math.Max(1, Math.Round(1 / options.FastPathDoubleCheck));
        }

        Package = _package.ToInfo();
        Fingerprint = ComputeFingerprint(_package, specification, options);
        LoadTime = clock.Elapsed;
    }

    /// <summary>
    /// Names everything an outcome depends on besides the resource: the package's files, the specification, the
    /// options that shape outcomes, and the validating code itself (this assembly and Firely's, by module version id,
    /// which a deterministic build changes exactly when the code changes). Two validators with the same fingerprint
    /// give the same outcome for the same resource, so an outcome stored with it may be reused while it matches.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>What was loaded from the package folder.</summary>
    public ProfilePackageInfo Package { get; }

    /// <summary>How long construction took (loading, snapshot generation, warm-up).</summary>
    public TimeSpan LoadTime { get; }

    internal PackageTerminologyService Terminology { get; }

    /// <summary>The fast path's plan, or null when it is switched off.</summary>
    internal FastPlan? Plan => _plan;

    /// <summary>Whether the fast path (<see cref="FhirValidationOptions.FastPath"/>) is on.</summary>
    public bool FastPathEnabled => _plan is not null;

    /// <summary>The assertions of Firely's schemas the fast path does not model (an element reaching one goes to Firely).</summary>
    internal IReadOnlyList<string> NotModelled { get; } = [];

    /// <summary>How the fast path has fared since the start: accepted, sent to Firely, double-checked, disagreements.</summary>
    public FastPathCounts FastPathCounts => new(
        Interlocked.Read(ref _fastAccepted), Interlocked.Read(ref _fastRefused), Interlocked.Read(ref _doubleChecked), Interlocked.Read(ref _disagreements));

    /// <summary>
    /// Raised when Firely finds a problem in a resource the fast path accepted (a sampled double check): the resource
    /// gets Firely's outcome. Carries the resource's type and id and the outcome's issue count, never its content.
    /// </summary>
    public event Action<FastPathDisagreement>? FastPathDisagreed;

    internal Lazy<IElementSchemaResolver> PlainSchemas { get; }

    internal IReadOnlyList<StructureDefinition> PackageStructureDefinitions => _package.StructureDefinitions;

    /// <summary>
    /// Validates a resource against the base specification and every profile in its <c>meta.profile</c>.
    /// </summary>
    /// <returns>
    /// An OperationOutcome whose issues carry severity, a FHIRPath location (<c>expression</c>) and a message
    /// (<c>details.text</c>); it has no error or fatal issue when the resource is valid. Instance values that the
    /// validator would quote (a malformed date, a too long string) are redacted unless
    /// <see cref="FhirValidationOptions.RedactValues"/> is off; codes that fail a binding are named.
    /// </returns>
    public OperationOutcome Validate(Resource resource) => Validate(resource, profile: null);

    /// <summary>Validates a resource as <see cref="Validate(Resource)"/> does, and also against <paramref name="profile"/>.</summary>
    public OperationOutcome Validate(Resource resource, string? profile)
    {
        ArgumentNullException.ThrowIfNull(resource);

        if (profile is null && _plan is not null)
        {
            if (_plan.Accept(resource, out _))
            {
                var accepted = Interlocked.Increment(ref _fastAccepted);
                if (_doubleCheckPeriod == 0 || accepted % _doubleCheckPeriod != 0)
                    return _plan.ChecksPackageCodes ? new OperationOutcome() : Finish(resource, new OperationOutcome());
                Interlocked.Increment(ref _doubleChecked);
                return DoubleCheck(resource);
            }

            Interlocked.Increment(ref _fastRefused);
        }

        return Finish(resource, ValidateWithFirely(resource, profile));
    }

    // Firely's outcome for a resource it finds valid with no message is an OperationOutcome without issues: the fast
    // path's answer. The sampled double check holds it to that.
    private OperationOutcome DoubleCheck(Resource resource)
    {
        var outcome = ValidateWithFirely(resource, profile: null);
        if (outcome.Issue.Count > 0)
        {
            Interlocked.Increment(ref _disagreements);
            FastPathDisagreed?.Invoke(new FastPathDisagreement(resource.TypeName, resource.Id, outcome.Issue.Count));
        }

        return Finish(resource, outcome);
    }

    private OperationOutcome Finish(Resource resource, OperationOutcome outcome)
    {
        if (_redactValues)
            ValueRedactor.Redact(outcome);
        _codeChecker.Check(resource, outcome.Issue);
        return outcome;
    }

    /// <summary>
    /// Validates many resources in parallel, one validator per worker, for batch runs such as the <c>validate</c>
    /// command. The workers are dedicated threads rather than thread-pool work items: Firely blocks on thread-pool
    /// tasks internally (terminology and resolver calls), and pool workers blocking on the pool starve it.
    /// </summary>
    /// <param name="resources">The resources to validate.</param>
    /// <param name="maxDegreeOfParallelism">Number of workers; default (0 or less) the number of processors.</param>
    /// <returns>One outcome per resource, in the order given.</returns>
    public IReadOnlyList<OperationOutcome> ValidateAll(IReadOnlyList<Resource> resources, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(resources);
        if (resources.Any(r => r is null))
            throw new ArgumentException("The list holds a null resource.", nameof(resources));

        var outcomes = new OperationOutcome[resources.Count];
        var workers = Math.Min(resources.Count, maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount);
        if (workers <= 1)
        {
            for (var i = 0; i < resources.Count; i++)
                outcomes[i] = Validate(resources[i]);
            return outcomes;
        }

        var next = -1;
        Exception? failure = null;
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
        {
            try
            {
                for (var i = Interlocked.Increment(ref next); i < resources.Count; i = Interlocked.Increment(ref next))
                    outcomes[i] = Validate(resources[i]);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        })
        { IsBackground = true, Name = "fhir-validate" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (failure is not null)
            throw new InvalidOperationException("Validation failed on a worker thread.", failure);
        return outcomes;
    }

    /// <summary>The package code check alone (what <see cref="Validate(Resource)"/> adds to Firely's outcome).</summary>
    internal void CheckPackageCodes(Resource resource, List<OperationOutcome.IssueComponent> issues) => _codeChecker.Check(resource, issues);

    /// <summary>Firely's outcome alone (no fast path, no redaction, no local code check), by this class's route or by Firely's public Validator.</summary>
    internal OperationOutcome ValidateSchemaOnly(Resource resource, bool throughFirelysValidator)
    {
        var run = _pool.Rent();
        var outcome = throughFirelysValidator ? run.ValidateAsFirely(resource, profile: null) : run.Validate(resource, profile: null);
        _pool.Return(run);
        return outcome;
    }

    private OperationOutcome ValidateWithFirely(Resource resource, string? profile)
    {
        var validator = _pool.Rent();
        OperationOutcome outcome;
        try
        {
            outcome = validator.Validate(resource, profile);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A validator that threw may hold half-updated state: drop it rather than return it to the pool.
            return new OperationOutcome
            {
                Issue =
                [
                    new()
                    {
                        Severity = OperationOutcome.IssueSeverity.Fatal,
                        Code = OperationOutcome.IssueType.Exception,
                        Details = new CodeableConcept { Text = $"The validator failed ({e.GetType().Name}): {e.Message}" },
                        Expression = [resource.TypeName],
                    },
                ],
            };
        }

        _pool.Return(validator);
        return outcome;
    }

    /// <summary>
    /// Resolves every package StructureDefinition once through the snapshot source, so that Firely's SnapshotGenerator
    /// fills in every snapshot up front and a broken differential fails the load (naming the profile) instead of
    /// surfacing later as a confusing validation result.
    /// </summary>
    private void GenerateSnapshots(SynchronizedResolver resolver, SnapshotGenerator generator)
    {
        var problems = new List<string>();
        var corePaths = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var sd in _package.StructureDefinitions)
        {
            try
            {
                resolver.TryResolveByCanonicalUri(sd.Url!);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problems.Add($"{sd.Url}: {e.Message}");
                continue;
            }

            problems.AddRange(generator.Outcome?.Issue
                .Where(ValidationOutcomeExtensions.IsError)
                .Select(i => $"{sd.Url}: {i.Details?.Text} ({string.Join(", ", i.Location)})") ?? []);

            if (!sd.HasSnapshot)
            {
                problems.Add($"{sd.Url}: no snapshot could be generated");
                continue;
            }

            // The generator accepts a differential element it cannot place (a misspelt path) and invents an element
            // for it, based on itself; so check that every constrained element rests on an element the core defines.
            var snapshot = sd.Snapshot!.Element.Where(e => e.ElementId is not null).ToDictionary(e => e.ElementId!, StringComparer.Ordinal);
            foreach (var element in sd.Differential?.Element ?? [])
            {
                var basePath = element.ElementId is { } id && snapshot.TryGetValue(id, out var placed) ? placed.Base?.Path : null;
                if (basePath is null || !CoreDefines(resolver, basePath, corePaths))
                    problems.Add($"{sd.Url}: the differential element '{element.ElementId ?? element.Path}' matches nothing in its base definition");
            }
        }

        if (problems.Count > 0)
            throw new InvalidDataException($"The profiles package is not valid:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    private static string ComputeFingerprint(ProfilePackage package, CoreSpecificationSource specification, FhirValidationOptions options)
    {
#pragma warning disable ExperimentalApi // only its assembly is asked for
        var modules = new[] { typeof(FhirResourceValidator), typeof(Validator), typeof(Resource), typeof(StructureDefinitionToElementSchemaResolver) }
            .Select(t => t.Assembly.ManifestModule.ModuleVersionId.ToString("N"));
#pragma warning restore ExperimentalApi
        // The fast path's plan is code of this assembly (its module version id above); FastPlan.Version says so in words.
        var parts = string.Join('|', [package.ContentHash, specification.Identity, $"{options.RedactValues}/{options.ReportUncheckedCodes}", FastPlan.Version, .. modules]);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(parts)))[..32];
    }

    private static bool CoreDefines(SynchronizedResolver resolver, string basePath, Dictionary<string, HashSet<string>> corePaths)
    {
        var type = basePath.Split('.')[0];
        if (!corePaths.TryGetValue(type, out var paths))
        {
            var definition = resolver.TryResolveByCanonicalUri("http://hl7.org/fhir/StructureDefinition/" + type).Value as StructureDefinition;
            paths = definition?.Snapshot?.Element.Select(e => e.Path!).ToHashSet(StringComparer.Ordinal) ?? [];
            corePaths[type] = paths;
        }

        return paths.Contains(basePath);
    }
}
