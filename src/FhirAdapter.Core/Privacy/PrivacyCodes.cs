using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Privacy;

/// <summary>
/// The codes of consent-gated disclosure (42 CFR Part 2): security labels, purposes of use and the
/// AuditEvent vocabulary of the accounting of disclosures, in one table beside
/// <see cref="Mapping.Codes"/>. Entries marked VERIFY could not be confirmed from a primary source here.
/// </summary>
public static class PrivacyCodes
{
    // Code systems.
    public const string V3Confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    public const string V3ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string V3ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    public const string RestfulInteraction = "http://hl7.org/fhir/restful-interaction";
    public const string Iso21089Lifecycle = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";
    public const string AuditEntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    public const string ObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";
    public const string SecuritySourceType = "http://terminology.hl7.org/CodeSystem/security-source-type";
    public const string ResourceTypes = "http://hl7.org/fhir/resource-types";
    public const string ProvenanceParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    // Security labels (meta.security) of every resource that leaves.
    public const string Restricted = "R"; // v3-Confidentiality
    public const string SubstanceUseDisorderInformation = "SUD"; // v3-ActCode sensitivity
    public const string PsychiatryInformation = "PSY"; // v3-ActCode sensitivity
    public const string Part2Policy = "42CFRPart2"; // v3-ActCode policy
    public const string NoRedisclosureWithoutConsent = "NORDSCLCD"; // v3-ActCode refrain

    // Purposes of use (v3-ActReason).
    public const string Treatment = "TREAT";
    public const string Payment = "HPAYMT";
    public const string Operations = "HOPERAT";

    // AuditEvent of a disclosure.
    public const string ExportEvent = "110106"; // DICOM: Export
    public const string SourceRole = "110153"; // DICOM: Source Role ID (the disclosing side)
    public const string DestinationRole = "110152"; // DICOM: Destination Role ID (the recipient)
    public const string DiscloseLifecycleEvent = "disclose"; // VERIFY: ISO 21089 lifecycle event "Disclose"
    public const string EntityPerson = "1"; // audit-entity-type
    public const string RolePatient = "1"; // object-role
    public const string RoleDomainResource = "4"; // object-role
    public const string RoleSecurityResource = "13"; // object-role: the consent the disclosure rests on
    public const string ApplicationServer = "4"; // security-source-type

    // The clinic's data class of SUD counseling notes (see docs/mapping.md), and the SUD-specific prior treatments.
    public const string CounselingNotesClass = "counseling-notes";

    /// <summary>Prior treatments (kwc-prior-treatment) that are treatment of a substance use disorder.</summary>
    public static readonly IReadOnlySet<string> SudPriorTreatments = new HashSet<string>(StringComparer.Ordinal)
    {
        "mat-buprenorphine", "mat-methadone", "mat-naltrexone", "twelve-step", "residential-rehab",
    };

    /// <summary>Where the §2.32 notice points: the regulation's section in the eCFR.</summary>
    public const string RedisclosureNoticePolicy = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2/subpart-C/section-2.32";

    /// <summary>42 CFR Part 2 as a whole.</summary>
    public const string Part2PolicyUrl = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2";

    /// <summary>A CodeableConcept of one Coding with its display (the SDK's three-argument constructor sets text instead).</summary>
    internal static CodeableConcept Concept(string system, string code, string display) => new() { Coding = [new Coding(system, code, display)] };
}
