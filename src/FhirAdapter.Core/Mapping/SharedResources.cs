namespace FhirAdapter.Core.Mapping;

/// <summary>
/// The resource types the mapper puts into the Bundles of many patients (the same clinician in every patient's
/// Bundle they treated): written to a destination under a conditional update like everything else, but the first
/// creation of each must not run twice at once, or the destination holds two (see docs/scale-out.md).
/// </summary>
public static class SharedResources
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal) { "Practitioner", "PractitionerRole", "Organization", "Location" };

    public static bool IsShared(string resourceType) => Types.Contains(resourceType);
}
