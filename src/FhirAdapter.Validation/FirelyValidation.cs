using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;

namespace FhirAdapter.Validation;

/// <summary>
/// Firely's side of the validator: the resolver chain over the package and the core specification, the package's
/// snapshots, the local terminology service, Firely's compiled schemas and the pool of validators. Built eagerly when
/// the fast path is off or its plan must be compiled (the plan is made from these schemas); built in the background
/// when the plan was loaded from its cache, and waited for only by a resource the plan does not accept.
/// </summary>
internal sealed class FirelyValidation
{
    // Keep resolved conformance resources for the life of the process (the default expires them after 4 hours).
    private const int ResolverCacheSeconds = 10 * 365 * 24 * 3600;

    private readonly ProfilePackage _package;

    /// <param name="checkSnapshots">
    /// Generate every package snapshot now and fail on a broken differential (naming the profile). Skipped only when
    /// the plan was loaded from its cache: that package, byte for byte (the fingerprint), passed this check when the
    /// plan was saved; Firely's snapshot source then generates each snapshot the first time a schema needs it.
    /// </param>
    public FirelyValidation(ProfilePackage package, CoreSpecificationSource specification, FhirValidationOptions options, bool checkSnapshots)
    {
        _package = package;
        var snapshotSettings = new SnapshotGeneratorSettings { GenerateSnapshotForExternalProfiles = true, GenerateElementIds = true };
        var snapshots = new SnapshotSource(
            new MultiResolver(new InMemoryResourceResolver(package.Resources), specification), snapshotSettings);
        var resolver = new SynchronizedResolver(new CachedResolver(snapshots, ResolverCacheSeconds));

        if (checkSnapshots)
            GenerateSnapshots(resolver, snapshots.Generator);

        var terminology = new PackageTerminologyService(resolver, package, options.ReportUncheckedCodes);
#pragma warning disable ExperimentalApi // Firely's documented way to build a schema resolver over a custom resolver chain.
        var schemas = new SharedSchemaResolver(
            StructureDefinitionToElementSchemaResolver.CreatedCached(resolver, [new MemoizingSchemaBuilder(resolver, new BindingSuccesses())]), resolver.Gate);
        // Firely's schemas as Firely builds them, for holding the shortcuts above to Firely's own results (tests only).
        var plainSchemas = new Lazy<IElementSchemaResolver>(() => new SharedSchemaResolver(StructureDefinitionToElementSchemaResolver.CreatedCached(resolver), resolver.Gate));
#pragma warning restore ExperimentalApi
        Schemas = schemas;
        PlainSchemas = plainSchemas;
        Terminology = terminology;
        Pool = new ValidatorPool(() => new SchemaRun(schemas, plainSchemas, terminology, resolver));
    }

    public IElementSchemaResolver Schemas { get; }

    public Lazy<IElementSchemaResolver> PlainSchemas { get; }

    public PackageTerminologyService Terminology { get; }

    public ValidatorPool Pool { get; }

    /// <summary>Compiles the package's profiles into Firely's schemas, so that the first validation does not pay for it.</summary>
    public void WarmUp(IEnumerable<string> profiles)
    {
        foreach (var url in profiles)
            Schemas.GetSchema(new Firely.Fhir.Validation.Canonical(url));
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
