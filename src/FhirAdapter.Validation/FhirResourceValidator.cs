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
    private readonly ProfilePackage _package;
    private readonly HashSet<string> _packageProfiles;
    private readonly bool _redactValues;
    private readonly Lazy<FirelyValidation> _firely;
    private readonly PackageCodeChecker _codeChecker;
    private readonly FastPlan? _plan;
    private readonly long _doubleCheckPeriod;
    private long _fastAccepted;
    private long _fastRefused;
    private long _doubleChecked;
    private long _disagreements;
    private readonly bool _warmUp;
    private long _doubleChecksOwed;
    private volatile bool _firelyWarm;
    private int _warming;

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

    /// <summary>
    /// Loads the package and the specification; then, with the fast path on, loads its plan saved under this
    /// validator's fingerprint (Firely is then built in the background and used only by a resource the plan does not
    /// accept) or, when there is none, generates the package's snapshots, compiles its profiles and the plan, and saves
    /// the plan. With the fast path off, Firely is built now. The options' ranges are checked where they are bound, on
    /// start (the worker's FhirValidationOptionsValidator), not again here.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No package folder was found.</exception>
    /// <exception cref="FileNotFoundException">specification.zip was not found.</exception>
    /// <exception cref="InvalidDataException">A package file is not valid, or a profile's snapshot could not be generated.</exception>
    public FhirResourceValidator(FhirValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = TimeProvider.System.GetTimestamp(); // how long loading took, for the log: no decision depends on it

        _package = ProfilePackage.Load(ProfilesLocator.ResolveProfilesPath(options.ProfilesPath));
        var specification = new CoreSpecificationSource(
            ProfilesLocator.ResolveSpecificationPath(options.SpecificationPath), options.SpecificationCachePath);
        _codeChecker = new PackageCodeChecker(_package);
        _packageProfiles = _package.StructureDefinitions.Select(sd => sd.Url!).ToHashSet(StringComparer.Ordinal);
        _redactValues = options.RedactValues;
        _warmUp = options.WarmUp;
        Package = _package.ToInfo();
        Fingerprint = ComputeFingerprint(_package, specification, options);

        var cacheFile = options.PlanCache && options.FastPath ? Path.Combine(PlanCacheFolder(options), PlanCache.FileName) : null;
        IReadOnlyList<string> savedNotModelled = [];
        var why = "";
        var saved = cacheFile is null ? null : PlanCache.TryRead(cacheFile, Fingerprint, out savedNotModelled, out why);
        if (saved is not null)
        {
            // Firely is needed only by what the plan does not accept: start building it now, on another thread.
            _firely = new Lazy<FirelyValidation>(() => new FirelyValidation(_package, specification, options, checkSnapshots: false));
            System.Threading.Tasks.Task.Run(() =>
            {
                try
                {
                    _ = _firely.Value;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Kept by the Lazy: the first resource that needs Firely gets the exception.
                }
            });
            _plan = saved;
            NotModelled = savedNotModelled;
            PlanOrigin = $"loaded from {cacheFile}";
        }
        else
        {
            var firely = new FirelyValidation(_package, specification, options, checkSnapshots: true);
            _firely = new Lazy<FirelyValidation>(firely);
            if (options.WarmUp)
                firely.WarmUp(_packageProfiles);
            _firelyWarm = true;
            if (options.FastPath)
            {
                var compiler = new PlanCompiler(firely.Schemas, firely.Terminology, _package, options.ReportUncheckedCodes);
                _plan = compiler.Compile(_packageProfiles.Concat(FastPlanRoots.CoreTypes.Select(FastPlan.CoreCanonical)));
                NotModelled = compiler.NotModelled;
                PlanOrigin = cacheFile is null ? "compiled (plan cache off)" : $"compiled ({why}){Save(cacheFile, Fingerprint, _plan, NotModelled)}";
            }
        }

        if (_plan is not null)
        {
            _plan.CheckPackageCodes(new PackageCodingCheck(_codeChecker));
            _doubleCheckPeriod = options.FastPathDoubleCheck <= 0 ? 0 : (long)Math.Max(1, Math.Round(1 / options.FastPathDoubleCheck));
        }

        LoadTime = TimeProvider.System.GetElapsedTime(started);
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

    /// <summary>How long construction took (loading; with no saved plan, snapshot generation, warm-up and the plan's compilation).</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>
    /// Where the fast path's plan came from: "loaded from FILE", or "compiled (why not loaded)" and whether it was
    /// saved; null with the fast path off.
    /// </summary>
    public string? PlanOrigin { get; }

    internal PackageTerminologyService Terminology => _firely.Value.Terminology;

    /// <summary>Whether Firely's side has been built (it is built lazily when the plan was loaded from its cache).</summary>
    internal bool FirelyLoaded => _firely.IsValueCreated;

    /// <summary>The fast path's plan, or null when it is switched off.</summary>
    internal FastPlan? Plan => _plan;

    /// <summary>Whether the fast path (<see cref="FhirValidationOptions.FastPath"/>) is on.</summary>
    public bool FastPathEnabled => _plan is not null;

    /// <summary>The assertions of Firely's schemas the fast path does not model (an element reaching one goes to Firely).</summary>
    internal IReadOnlyList<string> NotModelled { get; } = [];

    /// <summary>The plan cache's folder: <see cref="FhirValidationOptions.PlanCachePath"/>, or a folder in the temp folder.</summary>
    internal static string PlanCacheFolder(FhirValidationOptions options) =>
        string.IsNullOrWhiteSpace(options.PlanCachePath) ? Path.Combine(Path.GetTempPath(), "kwc-fhir-fast-plan") : Path.GetFullPath(options.PlanCachePath);

    /// <summary>How the fast path has fared since the start: accepted, sent to Firely, double-checked, disagreements.</summary>
    public FastPathCounts FastPathCounts => new(
        Interlocked.Read(ref _fastAccepted), Interlocked.Read(ref _fastRefused), Interlocked.Read(ref _doubleChecked), Interlocked.Read(ref _disagreements));

    /// <summary>
    /// Raised when Firely finds a problem in a resource the fast path accepted (a sampled double check): the resource
    /// gets Firely's outcome. Carries the resource's type and id and the outcome's issue count, never its content.
    /// </summary>
    public event Action<FastPathDisagreement>? FastPathDisagreed;

    internal Lazy<IElementSchemaResolver> PlainSchemas => _firely.Value.PlainSchemas;

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
                if (!DoubleCheckNow(_doubleCheckPeriod != 0 && accepted % _doubleCheckPeriod == 0))
                    return _plan.ChecksPackageCodes ? new OperationOutcome() : Finish(resource, new OperationOutcome());
                Interlocked.Increment(ref _doubleChecked);
                return DoubleCheck(resource);
            }

            Interlocked.Increment(ref _fastRefused);
        }

        return Finish(resource, ValidateWithFirely(resource, profile));
    }

    // A sample falls due every period-th accepted resource. After a start from the saved plan, Firely has compiled
    // nothing yet: a sample that falls due then is owed, Firely compiles the package's profiles on another thread, and
    // the samples owed are taken from the next accepted resources once it has. So a sample never makes a resource wait
    // for Firely's cold compilation, and over a run the share stays the same. (Compiled at start: Firely is warm.)
    private bool DoubleCheckNow(bool due)
    {
        if (_firelyWarm)
            return due || TakeOwed();
        if (due)
        {
            Interlocked.Increment(ref _doubleChecksOwed);
            if (Interlocked.Exchange(ref _warming, 1) == 0)
                System.Threading.Tasks.Task.Run(WarmFirely);
        }

        return false;
    }

    private bool TakeOwed()
    {
        for (var owed = Interlocked.Read(ref _doubleChecksOwed); owed > 0; owed = Interlocked.Read(ref _doubleChecksOwed))
        {
            if (Interlocked.CompareExchange(ref _doubleChecksOwed, owed - 1, owed) == owed)
                return true;
        }

        return false;
    }

    private void WarmFirely()
    {
        try
        {
            if (_warmUp)
                _firely.Value.WarmUp(_packageProfiles);
            else
                _ = _firely.Value;
            _firelyWarm = true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Kept by the Lazy: a resource that needs Firely gets the exception; the samples owed are not taken.
        }
    }

    /// <summary>Whether Firely has compiled the package's profiles (at start, or after a start from the saved plan, once a double check fell due).</summary>
    internal bool FirelyWarm => _firelyWarm;

    /// <summary>Double checks that fell due while Firely was not yet warm, taken from the next accepted resources once it is.</summary>
    internal long DoubleChecksOwed => Interlocked.Read(ref _doubleChecksOwed);

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
        var pool = _firely.Value.Pool;
        var run = pool.Rent();
        var outcome = throughFirelysValidator ? run.ValidateAsFirely(resource, profile: null) : run.Validate(resource, profile: null);
        pool.Return(run);
        return outcome;
    }

    private OperationOutcome ValidateWithFirely(Resource resource, string? profile)
    {
        var pool = _firely.Value.Pool;
        var validator = pool.Rent();
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

        pool.Return(validator);
        return outcome;
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

    // A plan that cannot be saved is still used: the next start compiles it again.
    private static string Save(string file, string fingerprint, FastPlan plan, IReadOnlyList<string> notModelled)
    {
        try
        {
            PlanCache.Write(file, fingerprint, plan, notModelled);
            return $", saved to {file}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return $", not saved ({e.GetType().Name}: {e.Message})";
        }
    }
}
