using System.Text.RegularExpressions;
using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Privacy;

/// <summary>
/// SUD or PSY for a patient's disclosed data. SUD whenever the patient's data shows a substance use
/// disorder, past or present: an ICD-10-CM F10-F16, F18 or F19 code anywhere (a condition in any
/// status, a session's indication); a prior SUD treatment (MAT, twelve-step, residential rehab); or a
/// counseling-notes consent. PSY only when none is found. F17 (nicotine) is not an SUD under 42 CFR
/// 2.11, which leaves out tobacco. Judge the patient's whole data, not the part being disclosed:
/// a label tells what kind of record this is, and a record about an SUD patient is SUD information.
/// </summary>
public static partial class SensitivityClassifier
{
    /// <summary>Classifies from every resource of the patient (e.g. the mapped Bundle before filtering).</summary>
    public static PatientSensitivity Classify(IEnumerable<Resource> patientResources)
    {
        ArgumentNullException.ThrowIfNull(patientResources);
        foreach (var resource in patientResources)
        {
            if (resource is Hl7.Fhir.Model.Consent consent && IsCounselingNotesConsent(consent))
            {
                return PatientSensitivity.Sud;
            }

            if (FhirElements.Descendants(resource).OfType<Coding>().Any(IsSudCoding))
            {
                return PatientSensitivity.Sud;
            }
        }

        return PatientSensitivity.Psy;
    }

    /// <summary>Classifies from a patient Bundle as the mapper builds it.</summary>
    public static PatientSensitivity Classify(Bundle patientBundle)
    {
        ArgumentNullException.ThrowIfNull(patientBundle);
        return Classify(patientBundle.Entry.Select(e => e.Resource).OfType<Resource>());
    }

    private static bool IsSudCoding(Coding coding) => coding switch
    {
        { System: Codes.Icd10Cm, Code: { } code } => SudDiagnosis().IsMatch(code),
        { Code: { } code } when coding.System == ClinicCanonicals.CodeSystems.PriorTreatment => PrivacyCodes.SudPriorTreatments.Contains(code),
        _ => false,
    };

    // A counseling-notes consent releases the notes themselves (top-level class); a disclosure consent only excludes them (nested deny).
    private static bool IsCounselingNotesConsent(Hl7.Fhir.Model.Consent consent) =>
        consent.Provision?.Class.Any(c => c.System == ClinicCanonicals.CodeSystems.DataClass && c.Code == PrivacyCodes.CounselingNotesClass) == true;

    [GeneratedRegex(@"^\s*F1[0-689]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SudDiagnosis();
}
