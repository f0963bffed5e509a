using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// How a resource that was sent is taken back when the mapping no longer produces it (a session edited to drop a vital
/// sign, a note removed, a record moved to another patient): FHIR marks clinical data entered in error rather than
/// deleting it, so a resource with that status is written over it; a type without such a status (Patient, Provenance,
/// AdverseEvent, ...) is deleted.
/// </summary>
/// <remarks>
/// The resource written is built anew, not copied from the last mapping: that mapping may hold what the destination was
/// never given (a note edited after the consent excluded it, a version it rejected or that waited). It carries the
/// identifier (so the conditional update hits the same resource), the entered-in-error status, the patient reference
/// and, where base R4 requires an element, that element with no content: a code fixed by the mapper (Encounter.class,
/// ServiceRequest.intent, a Consent's scope, category and policy) as its bare coding, a clinical one (Observation.code,
/// the medication, Flag.code, MedicationAdministration.effective, DocumentReference's attachment) as the
/// data-absent-reason extension <c>masked</c>. No text, note, value, attachment data, contained resource or profile.
/// </remarks>
public static class Withdrawal
{
    /// <summary>The core extension that says why a required element has no value.</summary>
    public const string DataAbsentReasonUrl = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

    /// <summary>What takes <paramref name="resource"/> back: entered-in-error and nothing of its content; null when its type has no such status.</summary>
    public static Resource? EnteredInError(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        Resource? withdrawn = resource switch
        {
            Observation o => new Observation
            {
                Identifier = Identifiers(o.Identifier), Status = ObservationStatus.EnteredInError, Code = Masked<CodeableConcept>(), Subject = Patient(o.Subject),
            },
            Encounter e => new Encounter
            {
                Identifier = Identifiers(e.Identifier), Status = Encounter.EncounterStatus.EnteredInError, Class = Bare(e.Class) ?? Masked<Coding>(), Subject = Patient(e.Subject),
            },
            EpisodeOfCare e => new EpisodeOfCare
            {
                Identifier = Identifiers(e.Identifier), Status = EpisodeOfCare.EpisodeOfCareStatus.EnteredInError, Patient = Patient(e.Patient) ?? Masked<ResourceReference>(),
            },
            MedicationAdministration m => new MedicationAdministration
            {
                Identifier = Identifiers(m.Identifier),
                Status = MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError,
                Medication = Masked<CodeableConcept>(),
                Subject = Patient(m.Subject) ?? Masked<ResourceReference>(),
                Effective = Masked<Period>(),
            },
            MedicationStatement m => new MedicationStatement
            {
                Identifier = Identifiers(m.Identifier), Status = MedicationStatement.MedicationStatusCodes.EnteredInError, Medication = Masked<CodeableConcept>(),
                Subject = Patient(m.Subject) ?? Masked<ResourceReference>(),
            },
            QuestionnaireResponse q => new QuestionnaireResponse
            {
                Identifier = (Identifier?)q.Identifier?.DeepCopy(), Status = QuestionnaireResponse.QuestionnaireResponseStatus.EnteredInError, Subject = Patient(q.Subject),
            },
            DocumentReference d => new DocumentReference
            {
                Identifier = Identifiers(d.Identifier),
                Status = DocumentReferenceStatus.EnteredInError,
                Subject = Patient(d.Subject),
                // content is 1..*, its attachment 1..1: one attachment with no data, no title, no address.
                Content = [new DocumentReference.ContentComponent { Attachment = Masked<Attachment>() }],
            },
            ServiceRequest s => new ServiceRequest
            {
                Identifier = Identifiers(s.Identifier), Status = RequestStatus.EnteredInError, Intent = s.Intent ?? RequestIntent.Order, Subject = Patient(s.Subject) ?? Masked<ResourceReference>(),
            },
            RiskAssessment r => new RiskAssessment
            {
                Identifier = Identifiers(r.Identifier), Status = ObservationStatus.EnteredInError, Subject = Patient(r.Subject) ?? Masked<ResourceReference>(),
            },
            Flag f => new Flag
            {
                Identifier = Identifiers(f.Identifier), Status = Flag.FlagStatus.EnteredInError, Code = Masked<CodeableConcept>(), Subject = Patient(f.Subject) ?? Masked<ResourceReference>(),
            },
            Hl7.Fhir.Model.Consent c => new Hl7.Fhir.Model.Consent
            {
                Identifier = Identifiers(c.Identifier),
                Status = Hl7.Fhir.Model.Consent.ConsentState.EnteredInError,
                // scope 1..1, category 1..*, and a policy or policy rule (ppc-1): the mapper's codes for the kind of consent.
                Scope = Bare(c.Scope) ?? Masked<CodeableConcept>(),
                Category = [.. c.Category.Select(Bare).OfType<CodeableConcept>()],
                PolicyRule = Bare(c.PolicyRule),
                Policy = c.PolicyRule is null ? [.. c.Policy.Select(p => new Hl7.Fhir.Model.Consent.PolicyComponent { Uri = p.Uri })] : [],
                Patient = Patient(c.Patient),
            },
            Condition c => new Condition
            {
                Identifier = Identifiers(c.Identifier),
                // con-5: no clinical status on a condition entered in error.
                VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "entered-in-error"),
                Subject = Patient(c.Subject) ?? Masked<ResourceReference>(),
            },
            AllergyIntolerance a => new AllergyIntolerance
            {
                Identifier = Identifiers(a.Identifier),
                // ait-2: likewise.
                VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "entered-in-error"),
                Patient = Patient(a.Patient) ?? Masked<ResourceReference>(),
            },
            _ => null,
        };

        if (withdrawn is not null && resource.Meta?.Security is { Count: > 0 } security)
        {
            // The labels it was sent with stay (the caller adds the patient's labels as they are now): a label protects, it discloses nothing new.
            withdrawn.Meta = new Meta { Security = [.. security.Select(c => (Coding)c.DeepCopy())] };
        }

        return withdrawn;
    }

    private static List<Identifier> Identifiers(List<Identifier> identifiers) => [.. identifiers.Select(i => new Identifier(i.System, i.Value))];

    /// <summary>The patient reference alone (no display: a display may be a name).</summary>
    private static ResourceReference? Patient(ResourceReference? subject) =>
        subject?.Reference is { } reference ? new ResourceReference(reference) : null;

    /// <summary>A coded element fixed by the mapper, as its codings alone (no text).</summary>
    private static CodeableConcept? Bare(CodeableConcept? concept) =>
        concept is null ? null : new CodeableConcept { Coding = [.. concept.Coding.Select(Bare).OfType<Coding>()] };

    private static Coding? Bare(Coding? coding) => coding is null ? null : new Coding(coding.System, coding.Code);

    /// <summary>A required element present with no content: the data-absent-reason extension, <c>masked</c>.</summary>
    private static T Masked<T>() where T : DataType, new()
    {
        var element = new T();
        element.Extension.Add(new Extension(DataAbsentReasonUrl, new Code("masked")));
        return element;
    }
}
