using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

/// <summary>
/// Conforming resources shaped as docs/mapping.md says the mapper produces them (synthetic data). Each call returns a
/// fresh instance that a test may break.
/// </summary>
internal static class Samples
{
    public const string Pkg = "https://fhir.kwc.example";
    public const string RecordSystem = Pkg + "/sid/record";
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string V3ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string V3ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    public const string PatientRef = "urn:uuid:6b1d5f0e-2f1c-5a4e-9a55-0d7f4b0c1a01";
    public const string EncounterRef = "urn:uuid:6b1d5f0e-2f1c-5a4e-9a55-0d7f4b0c1a02";
    public const string ResponseRef = "urn:uuid:6b1d5f0e-2f1c-5a4e-9a55-0d7f4b0c1a03";

    public static string Profile(string id) => $"{Pkg}/StructureDefinition/{id}";

    public static string CodeSystem(string id) => $"{Pkg}/CodeSystem/{id}";

    public static Meta MetaFor(string profileId) => new() { Profile = [Profile(profileId)] };

    public static Identifier RecordId(string value) => new(RecordSystem, value);

    public static CodeableConcept Concept(string system, string code, string? display = null) => new(system, code, display);

    public static Extension Ext(string id, DataType value) => new(Profile(id), value);

    public static Patient Patient() => new()
    {
        Meta = MetaFor("kwc-patient"),
        Extension =
        [
            new Extension("http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex", new Code("F")),
            new Extension("http://hl7.org/fhir/StructureDefinition/patient-genderIdentity", new CodeableConcept { Text = "woman" }),
            Ext("pronouns", new FhirString("she/her")),
        ],
        Identifier =
        [
            new Identifier(Pkg + "/sid/mrn", "KWC-000001")
            {
                Type = Concept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR"),
            },
        ],
        Name =
        [
            new HumanName { Use = HumanName.NameUse.Official, Family = "Testperson", Given = ["Ada", "Q"] },
            new HumanName { Use = HumanName.NameUse.Usual, Family = "Testperson", Given = ["Addy"] },
        ],
        Gender = AdministrativeGender.Female,
        BirthDate = "1984-07-19",
        Telecom =
        [
            new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "+1-555-0100"),
            new ContactPoint(ContactPoint.ContactPointSystem.Email, null, "ada@example.test"),
        ],
        Address =
        [
            new Address
            {
                Use = Address.AddressUse.Home, Line = ["1 Test Way", "Apt 4"], City = "Testville", State = "FL",
                PostalCode = "33400", Country = "US",
            },
        ],
        MaritalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M") { Text = "married" },
        Communication = [new Patient.CommunicationComponent { Language = Concept("urn:ietf:bcp:47", "es"), Preferred = true }],
        Contact =
        [
            new Patient.ContactComponent
            {
                Relationship = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0131", "C") { Text = "spouse" }],
                Name = new HumanName { Text = "Bob Testperson" },
                Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "+1-555-0101")],
            },
        ],
        GeneralPractitioner = [new ResourceReference("urn:uuid:6b1d5f0e-2f1c-5a4e-9a55-0d7f4b0c1a09")],
    };

    public static Encounter TreatmentSession() => new()
    {
        Meta = MetaFor("kwc-treatment-session"),
        Extension =
        [
            Ext("ready-to-leave", new FhirDateTime("2026-03-09T12:05:00-05:00")),
            Ext("course-session-number", new PositiveInt(1)),
            Ext("scheduled-start", new FhirDateTime("2026-03-09T10:00:00-05:00")),
        ],
        Identifier = [RecordId("SES-TEST-1")],
        Status = Encounter.EncounterStatus.Finished,
        Class = new Coding(V3ActCode, "AMB"),
        Type = [Concept(CodeSystem("kwc-encounter-type"), "ketamine-treatment-session")],
        Subject = new ResourceReference(PatientRef),
        EpisodeOfCare = [new ResourceReference("urn:uuid:6b1d5f0e-2f1c-5a4e-9a55-0d7f4b0c1a05")],
        Participant =
        [
            new Encounter.ParticipantComponent
            {
                Type = [Concept(V3ParticipationType, "PPRF")],
                Individual = new ResourceReference { Display = "Test Provider, MD" },
            },
        ],
        Appointment = [new ResourceReference("urn:uuid:6b1d5f0e-2f1c-5a4e-9a55-0d7f4b0c1a06")],
        Period = new Period(new FhirDateTime("2026-03-09T10:07:00-05:00"), new FhirDateTime("2026-03-09T12:15:00-05:00")),
        ReasonCode = [Concept("http://hl7.org/fhir/sid/icd-10-cm", "F33.2")],
        Location =
        [
            new Encounter.LocationComponent
            {
                Location = new ResourceReference { Identifier = new Identifier(Pkg + "/sid/site", "BOCA") },
            },
        ],
    };

    public static MedicationAdministration IvAdministration() => new()
    {
        Meta = MetaFor("kwc-medication-administration"),
        Contained =
        [
            new Medication
            {
                Id = "med",
                Code = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130", "ketamine") { Text = "ketamine" },
                Batch = new Medication.BatchComponent { LotNumber = "LOT-1" },
            },
        ],
        Identifier = [RecordId("SES-TEST-1.administration")],
        Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
        Medication = new ResourceReference("#med"),
        Subject = new ResourceReference(PatientRef),
        Context = new ResourceReference(EncounterRef),
        Effective = new Period(new FhirDateTime("2026-03-09T10:07:00-05:00"), new FhirDateTime("2026-03-09T10:47:00-05:00")),
        ReasonCode = [Concept("http://hl7.org/fhir/sid/icd-10-cm", "F33.2")],
        Dosage = new MedicationAdministration.DosageComponent
        {
            Extension = [Ext("dose-per-kg", new Quantity(0.5m, "mg/kg", Ucum) { Unit = "mg/kg" })],
            Text = "0.5 mg/kg over 40 min",
            Route = Concept(Snomed, "47625008", "Intravenous route"),
            Dose = new Quantity(34.2m, "mg", Ucum) { Unit = "mg" },
            Rate = new Quantity(0.855m, "mg/min", Ucum) { Unit = "mg/min" },
        },
    };

    public static Consent TreatmentConsent() => new()
    {
        Meta = MetaFor("kwc-consent-treatment"),
        Extension =
        [
            Ext("signature-method", new Code("electronic")),
            Ext("education-topic", new Coding(CodeSystem("kwc-education-topic"), "dissociation")),
            Ext("education-topic", new Coding(CodeSystem("kwc-education-topic"), "no-driving-24h")),
        ],
        Identifier = [RecordId("CNS-TEST-1")],
        Status = Consent.ConsentState.Active,
        Scope = Concept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment"),
        Category = [Concept(Loinc, "59284-0")],
        Patient = new ResourceReference(PatientRef),
        DateTime = "2026-03-02T14:18:40-05:00",
        Performer = [new ResourceReference(PatientRef)],
        Source = SignedDocument(),
        Policy = [new Consent.PolicyComponent { Uri = Pkg + "/policy/treatment" }],
        Provision = new Consent.provisionComponent
        {
            Period = new Period { Start = "2026-03-02T14:18:40-05:00", End = "2027-03-02" },
        },
    };

    public static Consent DisclosureConsent() => new()
    {
        Meta = MetaFor("kwc-consent-part2-disclosure"),
        Extension = [Ext("signature-method", new Code("electronic"))],
        Identifier = [RecordId("CNS-TEST-2")],
        Status = Consent.ConsentState.Active,
        Scope = Concept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        Category = [Concept(Loinc, "64292-6")],
        Patient = new ResourceReference(PatientRef),
        DateTime = "2026-03-02T14:18:40-05:00",
        Performer = [new ResourceReference(PatientRef)],
        Source = SignedDocument(),
        PolicyRule = Concept(V3ActCode, "42CFRPart2"),
        Provision = new Consent.provisionComponent
        {
            Type = Consent.ConsentProvisionType.Permit,
            Period = new Period { Start = "2026-03-02T14:18:40-05:00", End = "2027-03-02" },
            Actor =
            [
                new Consent.provisionActorComponent
                {
                    Role = Concept(V3ParticipationType, "IRCP"),
                    Reference = new ResourceReference
                    {
                        Identifier = new Identifier(Pkg + "/sid/organization", "pbpca"),
                        Display = "Test Primary Care",
                    },
                },
            ],
            Action = [Concept("http://terminology.hl7.org/CodeSystem/consentaction", "disclose")],
            Purpose = [new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT")],
            Provision =
            [
                new Consent.provisionComponent
                {
                    Type = Consent.ConsentProvisionType.Deny,
                    Class = [new Coding(CodeSystem("kwc-data-class"), "counseling-notes")],
                },
            ],
        },
    };

    public static Attachment SignedDocument() => new()
    {
        Extension = [Ext("attachment-sha256", new FhirString("9f2b5c0e4d8a7b61c3e2f10a9d8c7b6a5f4e3d2c1b0a99887766554433221100"))],
        ContentType = "application/pdf",
        Url = "https://docs.example.test/consents/CNS-TEST.pdf",
    };

    public static QuestionnaireResponse IntakeResponse() => new()
    {
        Meta = MetaFor("kwc-questionnaire-response"),
        Identifier = new Identifier(RecordSystem, "INT-TEST-1"),
        Questionnaire = Pkg + "/Questionnaire/intake|3",
        Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
        Subject = new ResourceReference(PatientRef),
        Authored = "2026-03-02T13:58:12-05:00",
        Item =
        [
            new QuestionnaireResponse.ItemComponent
            {
                LinkId = "phq9",
                Item =
                [
                    new QuestionnaireResponse.ItemComponent
                    {
                        LinkId = "phq9-1",
                        Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Coding(Loinc, "LA6569-3", "Several days") }],
                    },
                    new QuestionnaireResponse.ItemComponent
                    {
                        LinkId = "phq9-total",
                        Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Integer(1) }],
                    },
                ],
            },
            new QuestionnaireResponse.ItemComponent
            {
                LinkId = "weight",
                Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirDecimal(68.4m) }],
            },
        ],
    };

    private static Observation VitalSign(string id, string code, string display, DataType? value) => new()
    {
        Meta = MetaFor("kwc-vital-signs"),
        Identifier = [RecordId(id)],
        Status = ObservationStatus.Final,
        Category = [Concept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")],
        Code = Concept(Loinc, code, display),
        Subject = new ResourceReference(PatientRef),
        Effective = new FhirDateTime("2026-03-09T10:02:00-05:00"),
        Value = value,
    };

    public static Observation BodyWeight() =>
        VitalSign("INT-TEST-1.vitals.29463-7", "29463-7", "Body weight", new Quantity(68.4m, "kg", Ucum) { Unit = "kg" });

    public static Observation SessionBloodPressure()
    {
        var bp = VitalSign("SES-TEST-1.vitals.0.bp", "85354-9", "Blood pressure panel", null);
        bp.Extension = [Ext("session-phase", new Code("pre"))];
        bp.Encounter = new ResourceReference(EncounterRef);
        bp.Component =
        [
            new Observation.ComponentComponent
            {
                Code = Concept(Loinc, "8480-6", "Systolic blood pressure"),
                Value = new Quantity(126m, "mm[Hg]", Ucum) { Unit = "mmHg" },
            },
            new Observation.ComponentComponent
            {
                Code = Concept(Loinc, "8462-4", "Diastolic blood pressure"),
                Value = new Quantity(80m, "mm[Hg]", Ucum) { Unit = "mmHg" },
            },
        ];
        return bp;
    }

    public static Observation SessionSpo2()
    {
        var spo2 = VitalSign("SES-TEST-1.vitals.0.spo2", "2708-6", "Oxygen saturation in Arterial blood", new Quantity(98m, "%", Ucum) { Unit = "%" });
        spo2.Code.Coding.Add(new Coding(Loinc, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"));
        spo2.Extension = [Ext("session-phase", new Coding(CodeSystem("kwc-session-phase"), "during"))];
        spo2.Encounter = new ResourceReference(EncounterRef);
        return spo2;
    }

    public static Observation Score(string system, string code, int value, string id) => new()
    {
        Meta = MetaFor("kwc-score-observation"),
        Identifier = [RecordId(id)],
        Status = ObservationStatus.Final,
        Category = [Concept("http://terminology.hl7.org/CodeSystem/observation-category", "survey")],
        Code = Concept(system, code),
        Subject = new ResourceReference(PatientRef),
        Effective = new FhirDateTime("2026-03-09T11:45:00-05:00"),
        Value = new Integer(value),
    };

    public static Observation Phq9Total()
    {
        var score = Score(Loinc, "44261-6", 12, "INT-TEST-1.score.phq9-total");
        score.DerivedFrom = [new ResourceReference(ResponseRef)];
        return score;
    }

    public static Observation SessionCadss()
    {
        var score = Score(CodeSystem("kwc-assessment"), "cadss", 14, "SES-TEST-1.score.cadss");
        score.Encounter = new ResourceReference(EncounterRef);
        return score;
    }

    public static Observation SessionMoaas()
    {
        var score = Score(CodeSystem("kwc-assessment"), "moaas", 4, "SES-TEST-1.score.moaas");
        score.Encounter = new ResourceReference(EncounterRef);
        return score;
    }

    /// <summary>Every conforming sample, by name, for theories.</summary>
    public static IReadOnlyDictionary<string, Func<Resource>> All { get; } = new Dictionary<string, Func<Resource>>
    {
        ["patient"] = Patient,
        ["treatment-session"] = TreatmentSession,
        ["iv-administration"] = IvAdministration,
        ["treatment-consent"] = TreatmentConsent,
        ["disclosure-consent"] = DisclosureConsent,
        ["questionnaire-response"] = IntakeResponse,
        ["body-weight"] = BodyWeight,
        ["session-blood-pressure"] = SessionBloodPressure,
        ["session-spo2"] = SessionSpo2,
        ["phq9-total"] = Phq9Total,
        ["session-cadss"] = SessionCadss,
        ["session-moaas"] = SessionMoaas,
    };
}
