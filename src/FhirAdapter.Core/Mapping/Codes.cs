namespace FhirAdapter.Core.Mapping;

/// <summary>
/// Every code system, code and canonical the mapping uses, in one table so a terminologist can
/// review and correct them in one place. Entries marked VERIFY could not be confirmed from a
/// primary source (see ../shared/domain notes); correct them here and nowhere else.
/// </summary>
public static class Codes
{
    // External code systems.
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Npi = "http://hl7.org/fhir/sid/us-npi";
    public const string Bcp47 = "urn:ietf:bcp:47";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
    public const string V3ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string V3ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    public const string V3Confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    public const string V3ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    public const string V3RoleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    public const string V3MaritalStatus = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus";
    public const string V2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public const string V2ContactRole = "http://terminology.hl7.org/CodeSystem/v2-0131";
    public const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";
    public const string ConsentAction = "http://terminology.hl7.org/CodeSystem/consentaction";
    public const string RiskProbability = "http://terminology.hl7.org/CodeSystem/risk-probability";
    public const string FlagCategory = "http://terminology.hl7.org/CodeSystem/flag-category";
    public const string AdverseEventSeriousness = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";
    public const string ProvenanceParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    public const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    public const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

    // Extensions published by HL7 (core R4 and US Core) that the mapping uses.
    public const string OrdinalValueExtension = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    public const string QuestionnaireUnitExtension = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
    public const string GenderIdentityExtension = "http://hl7.org/fhir/StructureDefinition/patient-genderIdentity";
    public const string BirthSexExtension = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex";

    // LOINC.
    public const string BodyWeight = "29463-7";
    public const string BodyHeight = "8302-2";
    public const string BloodPressurePanel = "85354-9";
    public const string Systolic = "8480-6";
    public const string Diastolic = "8462-4";
    public const string HeartRate = "8867-4";
    public const string RespiratoryRate = "9279-1";
    public const string OxygenSaturation = "2708-6";
    public const string OxygenSaturationPulseOx = "59408-5";
    public const string Phq9Total = "44261-6";
    public const string Gad7Total = "70274-6";
    public const string ConsentPatient = "59284-0";
    public const string ConsentReleaseOfInformation = "64292-6";
    public const string ProgressNote = "11506-3";
    public const string AlcoholUseHistory = "11331-6"; // VERIFY: History of alcohol use
    public const string TobaccoUseHistory = "11367-0"; // VERIFY: History of tobacco use
    public const string DrugUseHistory = "11343-1"; // VERIFY: History of other nonmedical drug use

    // RxNorm and SNOMED CT.
    public const string KetamineRxNorm = "6130"; // VERIFY
    public const string RouteIntravenous = "47625008";
    public const string RouteIntramuscular = "78421000";
    public const string RouteNasal = "46713006";
    public const string RouteSublingual = "37839007";
    public const string RouteOral = "26643006";
    public const string SeverityMild = "255604002";
    public const string SeverityModerate = "6736007";
    public const string SeveritySevere = "24484000";
    public const string PatientReferral = "3457005";
    public const string DidNotAttend = "281399006"; // VERIFY: Did not attend (qualifier value)

    /// <summary>Expands the short system names the export allows to canonical URIs.</summary>
    public static string ExpandSystem(string system) => system switch
    {
        "loinc" => Loinc,
        "snomed" => Snomed,
        "icd10cm" => Icd10Cm,
        "rxnorm" => RxNorm,
        "ucum" => Ucum,
        _ => system,
    };
}
