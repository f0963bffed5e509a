using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Privacy;

/// <summary>
/// The security labels every disclosed resource carries in meta.security: confidentiality R,
/// sensitivity SUD or PSY, policy 42CFRPart2 and refrain NORDSCLCD (no redisclosure without consent).
/// </summary>
public static class SecurityLabels
{
    /// <summary>The four labels, fresh instances each call.</summary>
    public static IReadOnlyList<Coding> For(PatientSensitivity sensitivity) =>
    [
        new Coding(PrivacyCodes.V3Confidentiality, PrivacyCodes.Restricted, "restricted"),
        sensitivity == PatientSensitivity.Psy
            ? new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.PsychiatryInformation, "psychiatry information sensitivity")
            : new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.SubstanceUseDisorderInformation, "substance use disorder information sensitivity"),
        new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.Part2Policy, "42 CFR Part2"),
        new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.NoRedisclosureWithoutConsent, "no redisclosure without consent directive"),
    ];

    /// <summary>
    /// Labels a resource in place. Any other confidentiality code is replaced (a resource has one);
    /// other labels stay, so a sensitivity already there is never taken away.
    /// </summary>
    public static void Apply(Resource resource, PatientSensitivity sensitivity)
    {
        ArgumentNullException.ThrowIfNull(resource);
        resource.Meta ??= new Meta();
        var labels = For(sensitivity);
        resource.Meta.Security.RemoveAll(c =>
            c.System == PrivacyCodes.V3Confidentiality
            || labels.Any(l => l.System == c.System && l.Code == c.Code));
        resource.Meta.Security.AddRange(labels);
    }

    /// <summary>Whether a resource carries all four labels for this sensitivity.</summary>
    public static bool HasAll(Resource resource, PatientSensitivity sensitivity)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var security = resource.Meta?.Security ?? [];
        return For(sensitivity).All(l => security.Any(c => c.System == l.System && c.Code == l.Code));
    }
}
