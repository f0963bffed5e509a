namespace FhirAdapter.Core.Mapping;

/// <summary>
/// The resource types the mapper puts into the Bundles of many patients (the same clinician in every patient's
/// Bundle they treated). They describe the clinic, not a patient: each is written to a destination once, by one
/// writer across instances, and again only when its content changes; patients' resources refer to it by the
/// destination's id (see docs/exchange.md). Questionnaires, shared too, travel in a Bundle of their own.
/// </summary>
public static class SharedResources
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal) { "Practitioner", "PractitionerRole", "Organization", "Location" };

    public static bool IsShared(string resourceType) => Types.Contains(resourceType);
}
