namespace FhirAdapter.Validation;

/// <summary>What was loaded from the clinic's FHIR package folder.</summary>
/// <param name="Name">The package name from package.json.</param>
/// <param name="Version">The package version from package.json.</param>
/// <param name="Canonical">The canonical base of the package's resources.</param>
/// <param name="Directory">The folder it was loaded from.</param>
/// <param name="StructureDefinitions">Canonical URLs of the profiles and extensions (all with generated snapshots).</param>
/// <param name="ValueSets">Canonical URLs of the ValueSets.</param>
/// <param name="CodeSystems">Canonical URLs of the CodeSystems.</param>
public sealed record ProfilePackageInfo(
    string Name,
    string Version,
    string Canonical,
    string Directory,
    IReadOnlyList<string> StructureDefinitions,
    IReadOnlyList<string> ValueSets,
    IReadOnlyList<string> CodeSystems);
