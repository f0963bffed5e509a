using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Privacy;

/// <summary>
/// The security labels every disclosed resource carries in meta.security: confidentiality R,
/// sensitivity SUD or PSY, policy 42CFRPart2 and refrain NORDSCLCD (no redisclosure without consent).
/// A resource many patients share (<see cref="SharedResources"/>: the clinician of every patient they treat) says
/// nothing about any one patient and is written to a destination once for all of them, so it carries the same labels
/// whoever's data it travels with: R, 42CFRPart2 and NORDSCLCD, without a patient's sensitivity.
/// </summary>
public static class SecurityLabels
{
    /// <summary>The four labels, fresh instances each call.</summary>
    public static IReadOnlyList<Coding> For(PatientSensitivity sensitivity) =>
    [
        Restricted(),
        sensitivity == PatientSensitivity.Psy
            ? new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.PsychiatryInformation, "psychiatry information sensitivity")
            : new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.SubstanceUseDisorderInformation, "substance use disorder information sensitivity"),
        .. PolicyAndRefrain(),
    ];

    /// <summary>The labels of a resource of this type: a shared one's (no sensitivity) or a patient's.</summary>
    public static IReadOnlyList<Coding> For(string resourceType, PatientSensitivity sensitivity) =>
        SharedResources.IsShared(resourceType) ? [Restricted(), .. PolicyAndRefrain()] : For(sensitivity);

    /// <summary>
    /// Labels a resource in place. Any other confidentiality code is replaced (a resource has one);
    /// other labels stay, so a sensitivity already there is never taken away.
    /// </summary>
    public static void Apply(Resource resource, PatientSensitivity sensitivity)
    {
        ArgumentNullException.ThrowIfNull(resource);
        resource.Meta ??= new Meta();
        var labels = For(resource.TypeName, sensitivity);
        resource.Meta.Security.RemoveAll(c =>
            c.System == PrivacyCodes.V3Confidentiality
            || labels.Any(l => l.System == c.System && l.Code == c.Code));
        resource.Meta.Security.AddRange(labels);
    }

    /// <summary>Whether a resource carries all the labels of its type for this sensitivity.</summary>
    public static bool HasAll(Resource resource, PatientSensitivity sensitivity)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var security = resource.Meta?.Security ?? [];
        return For(resource.TypeName, sensitivity).All(l => security.Any(c => c.System == l.System && c.Code == l.Code));
    }

    private static Coding Restricted() => new(PrivacyCodes.V3Confidentiality, PrivacyCodes.Restricted, "restricted");

    private static IEnumerable<Coding> PolicyAndRefrain() =>
    [
        new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.Part2Policy, "42 CFR Part2"),
        new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.NoRedisclosureWithoutConsent, "no redisclosure without consent directive"),
    ];
}
