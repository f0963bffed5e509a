using System.Diagnostics;
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
    // Files of specification.zip the validator never needs; skipping them makes the cold scan faster.
    private static readonly string[] UnusedSpecificationFiles =
        ["search-parameters.xml", "conceptmaps.xml", "namingsystem-registry.xml", "v2-tables.xml"];

    // Keep resolved conformance resources for the life of the process (the default expires them after 4 hours).
    private const int ResolverCacheSeconds = 10 * 365 * 24 * 3600;

    private readonly ProfilePackage _package;
    private readonly HashSet<string> _packageProfiles;
    private readonly ValidatorPool _pool;
    private readonly PackageCodeChecker _codeChecker;

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
        var specification = new ZipSource(
            ProfilesLocator.ResolveSpecificationPath(options.SpecificationPath),
            new DirectorySourceSettings { MultiThreaded = true, Excludes = UnusedSpecificationFiles });

        var snapshots = new SnapshotSource(
            new MultiResolver(new InMemoryResourceResolver(_package.Resources), specification),
            new SnapshotGeneratorSettings { GenerateSnapshotForExternalProfiles = true, GenerateElementIds = true });
        var resolver = new SynchronizedResolver(new CachedResolver(snapshots, ResolverCacheSeconds));

        GenerateSnapshots(resolver, snapshots.Generator);

        var terminology = new PackageTerminologyService(resolver, _package, options.ReportUncheckedCodes);
#pragma warning disable ExperimentalApi // Firely's documented way to build a schema resolver over a custom resolver chain.
        var schemas = new SharedSchemaResolver(StructureDefinitionToElementSchemaResolver.CreatedCached(resolver), resolver.Gate);
#pragma warning restore ExperimentalApi
        _pool = new ValidatorPool(() => new Validator(resolver, terminology, null, new ValidationSettings(), schemas));
        _codeChecker = new PackageCodeChecker(_package);
        _packageProfiles = _package.StructureDefinitions.Select(sd => sd.Url!).ToHashSet(StringComparer.Ordinal);
        Terminology = terminology;

        if (options.WarmUp)
        {
            foreach (var url in _packageProfiles)
                schemas.GetSchema(new Firely.Fhir.Validation.Canonical(url));
        }

        Package = _package.ToInfo();
        LoadTime = clock.Elapsed;
    }

    /// <summary>What was loaded from the package folder.</summary>
    public ProfilePackageInfo Package { get; }

    /// <summary>How long construction took (loading, snapshot generation, warm-up).</summary>
    public TimeSpan LoadTime { get; }

    internal PackageTerminologyService Terminology { get; }

    internal IReadOnlyList<StructureDefinition> PackageStructureDefinitions => _package.StructureDefinitions;

    /// <summary>
    /// Validates a resource against the base specification and every profile in its <c>meta.profile</c>.
    /// </summary>
    /// <returns>
    /// An OperationOutcome whose issues carry severity, a FHIRPath location (<c>expression</c>) and a message
    /// (<c>details.text</c>); it has no error or fatal issue when the resource is valid. Messages may quote the
    /// offending value: store the outcome with the record it belongs to, do not log it.
    /// </returns>
    public OperationOutcome Validate(Resource resource) => Validate(resource, profile: null);

    /// <summary>Validates a resource as <see cref="Validate(Resource)"/> does, and also against <paramref name="profile"/>.</summary>
    public OperationOutcome Validate(Resource resource, string? profile)
    {
        ArgumentNullException.ThrowIfNull(resource);

        var outcome = ValidateWithFirely(resource, profile);
        CheckPackageReferences(resource, profile, outcome.Issue);
        _codeChecker.Check(resource, outcome.Issue);
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

    /// <summary>A profile URL in the package's namespace that the package lacks is a mapping or packaging bug, not something to skip.</summary>
    private void CheckPackageReferences(Resource resource, string? profile, List<OperationOutcome.IssueComponent> issues)
    {
        var claimed = resource.Meta?.Profile ?? [];
        foreach (var url in (profile is null ? claimed : claimed.Append(profile)).OfType<string>())
        {
            var unversioned = url.Split('|')[0];
            if (_package.Owns(unversioned) && !_packageProfiles.Contains(unversioned))
            {
                issues.Add(new()
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = OperationOutcome.IssueType.NotFound,
                    Details = new CodeableConcept { Text = $"The profile '{url}' is not in the profiles package." },
                    Expression = [$"{resource.TypeName}.meta.profile"],
                });
            }
        }
    }

    private void GenerateSnapshots(SynchronizedResolver resolver, SnapshotGenerator generator)
    {
        var problems = new List<string>();
        foreach (var sd in _package.StructureDefinitions)
        {
            var resolved = resolver.TryResolveByCanonicalUri(sd.Url!).Value as StructureDefinition;
            if (resolved is null || !resolved.HasSnapshot)
            {
                problems.Add($"{sd.Url}: no snapshot could be generated");
                continue;
            }

            problems.AddRange(generator.Outcome?.Issue
                .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
                .Select(i => $"{sd.Url}: {i.Details?.Text} at {string.Join(", ", i.Location)}") ?? []);
        }

        if (problems.Count > 0)
            throw new InvalidDataException($"The profiles package is not valid:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }
}
