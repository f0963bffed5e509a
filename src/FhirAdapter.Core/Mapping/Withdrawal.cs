using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// How a resource that was sent is taken back when the mapping no longer produces it (a session edited to drop a vital
/// sign, a record moved to another patient): FHIR marks clinical data entered in error rather than deleting it, so a
/// copy with that status is written over it; a type without such a status (Patient, Provenance, ...) is deleted.
/// </summary>
public static class Withdrawal
{
    /// <summary>A copy of <paramref name="resource"/> marked entered-in-error, or null when its type has no such status.</summary>
    public static Resource? EnteredInError(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var copy = (Resource)resource.DeepCopy();
        switch (copy)
        {
            case Observation o: o.Status = ObservationStatus.EnteredInError; break;
            case Encounter e: e.Status = Encounter.EncounterStatus.EnteredInError; break;
            case EpisodeOfCare e: e.Status = EpisodeOfCare.EpisodeOfCareStatus.EnteredInError; break;
            case MedicationAdministration m: m.Status = MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError; break;
            case MedicationStatement m: m.Status = MedicationStatement.MedicationStatusCodes.EnteredInError; break;
            case QuestionnaireResponse q: q.Status = QuestionnaireResponse.QuestionnaireResponseStatus.EnteredInError; break;
            case DocumentReference d: d.Status = DocumentReferenceStatus.EnteredInError; break;
            case ServiceRequest s: s.Status = RequestStatus.EnteredInError; break;
            case RiskAssessment r: r.Status = ObservationStatus.EnteredInError; break;
            case Flag f: f.Status = Flag.FlagStatus.EnteredInError; break;
            case Hl7.Fhir.Model.Consent c: c.Status = Hl7.Fhir.Model.Consent.ConsentState.EnteredInError; break;
            case Condition c:
                // con-5: no clinical status on a condition entered in error.
                c.VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "entered-in-error");
                c.ClinicalStatus = null;
                break;
            case AllergyIntolerance a:
                // ait-2: likewise.
                a.VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "entered-in-error");
                a.ClinicalStatus = null;
                break;
            default:
                return null;
        }

        return copy;
    }
}
