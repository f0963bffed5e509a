namespace FhirAdapter.Core.Mapping;

/// <summary>
/// The clinic's own systems and canonicals. Identifier systems and Questionnaire URLs hang off the
/// configurable base; profiles, extensions, CodeSystems and ValueSets belong to the published
/// <c>profiles/</c> package and keep its fixed base.
/// </summary>
public sealed class ClinicCanonicals
{
    /// <summary>The canonical base of the profiles package.</summary>
    public const string PackageBase = "https://fhir.kwc.example";

    public ClinicCanonicals(string canonicalBase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(canonicalBase);
        Base = canonicalBase.TrimEnd('/');
    }

    public string Base { get; }

    public string MrnSystem => $"{Base}/sid/mrn";

    public string RecordSystem => $"{Base}/sid/record";

    public string OrganizationSystem => $"{Base}/sid/organization";

    public string SiteSystem => $"{Base}/sid/site";

    public string CourseSystem => $"{Base}/sid/course";

    public string QuestionnaireUrl(string formId) => $"{Base}/Questionnaire/{formId}";

    public string PolicyUrl(string consentType) => $"{Base}/policy/{consentType}";

    public static string Profile(string id) => $"{PackageBase}/StructureDefinition/{id}";

    public static string Extension(string id) => $"{PackageBase}/StructureDefinition/{id}";

    public static string CodeSystem(string id) => $"{PackageBase}/CodeSystem/{id}";

    /// <summary>The profiles the mapping claims in meta.profile.</summary>
    public static class Profiles
    {
        public static readonly string Patient = Profile("kwc-patient");
        public static readonly string TreatmentSession = Profile("kwc-treatment-session");
        public static readonly string MedicationAdministration = Profile("kwc-medication-administration");
        public static readonly string TreatmentConsent = Profile("kwc-consent-treatment");
        public static readonly string DisclosureConsent = Profile("kwc-consent-part2-disclosure");
        public static readonly string QuestionnaireResponse = Profile("kwc-questionnaire-response");
        public static readonly string VitalSigns = Profile("kwc-vital-signs");
        public static readonly string Score = Profile("kwc-score-observation");
    }

    /// <summary>The package's extensions.</summary>
    public static class Extensions
    {
        public static readonly string Pronouns = Extension("pronouns");
        public static readonly string SignatureMethod = Extension("signature-method");
        public static readonly string EducationTopic = Extension("education-topic");
        public static readonly string AttachmentSha256 = Extension("attachment-sha256");
        public static readonly string ReadyToLeave = Extension("ready-to-leave");
        public static readonly string ScheduledStart = Extension("scheduled-start");
        public static readonly string CourseSessionNumber = Extension("course-session-number");
        public static readonly string CoursePlannedSessions = Extension("course-planned-sessions");
        public static readonly string DosePerKg = Extension("dose-per-kg");
        public static readonly string SessionPhase = Extension("session-phase");
    }

    /// <summary>The package's CodeSystems.</summary>
    public static class CodeSystems
    {
        public static readonly string Assessment = CodeSystem("kwc-assessment");
        public static readonly string SideEffect = CodeSystem("kwc-side-effect");
        public static readonly string Medication = CodeSystem("kwc-medication");
        public static readonly string EncounterType = CodeSystem("kwc-encounter-type");
        public static readonly string DataClass = CodeSystem("kwc-data-class");
        public static readonly string EducationTopic = CodeSystem("kwc-education-topic");
        public static readonly string Substance = CodeSystem("kwc-substance");
        public static readonly string UsePattern = CodeSystem("kwc-use-pattern");
        public static readonly string PriorTreatment = CodeSystem("kwc-prior-treatment");
        public static readonly string Observation = CodeSystem("kwc-observation");
        public static readonly string Contraindication = CodeSystem("kwc-contraindication");
        public static readonly string Risk = CodeSystem("kwc-risk");
        public static readonly string SessionPhase = CodeSystem("kwc-session-phase");
    }
}
