using System.Text.RegularExpressions;

namespace FhirAdapter.Core.Reading;

/// <summary>Reads an <c>intake</c> record's content. Answers are typed later, against their form.</summary>
internal static partial class IntakeParser
{
    private static readonly string[] Sexes = ["female", "male", "unknown"];
    private static readonly string[] PhoneUses = ["mobile", "home", "work"];
    private static readonly string[] ClinicalStatuses = ["active", "remission", "resolved"];
    private static readonly string[] RiskLevels = ["low", "moderate", "high"];
    private static readonly string[] Patterns = ["daily", "weekly", "monthly", "occasional", "in-remission"];

    internal static readonly string[] Substances =
        ["alcohol", "opioids", "cocaine", "methamphetamine", "cannabis", "benzodiazepines", "nicotine", "ketamine", "other"];

    internal static readonly string[] PriorTreatments =
    [
        "ssri", "snri", "bupropion", "tca", "maoi", "antipsychotic", "lithium", "ect", "tms", "cbt", "dbt", "emdr",
        "mat-buprenorphine", "mat-methadone", "mat-naltrexone", "twelve-step", "residential-rehab", "other",
    ];

    internal static readonly string[] ContraindicationNames =
    [
        "uncontrolledHypertension", "psychosisHistory", "maniaHistory", "pregnant", "breastfeeding",
        "ketamineAllergy", "severeCardiacDisease", "elevatedIntracranialPressure",
    ];

    [GeneratedRegex(@"^\d{10}$")]
    internal static partial Regex NpiPattern();

    [GeneratedRegex(@"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")]
    private static partial Regex Icd10Pattern();

    [GeneratedRegex(@"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^[0-9]{1,12}$")]
    private static partial Regex RxNormPattern();

    public static IntakePayload? Parse(JsonFields fields)
    {
        var patient = ParsePatient(fields.Object("patient", required: true));
        string? formId = null, formVersion = null;
        if (fields.Object("form", required: true) is { } form)
        {
            formId = form.String("formId", required: true);
            formVersion = form.String("version", required: true);
        }

        var submittedAt = fields.DateTime("submittedAt", required: true);
        var answers = new List<IntakeAnswer>();
        foreach (var answer in fields.Objects("answers"))
        {
            var linkId = answer.String("linkId", required: true);
            var value = answer.Raw("value");
            if (value is null)
            {
                answer.Error("value", "is required");
            }
            else if (linkId is not null)
            {
                answers.Add(new IntakeAnswer(linkId, value.Value));
            }
        }

        var conditions = new List<ConditionInfo>();
        foreach (var condition in fields.Objects("conditions"))
        {
            var code = condition.String("icd10cm", required: true, pattern: Icd10Pattern(), patternHint: "an ICD-10-CM code such as F33.2");
            var display = condition.String("display");
            var onset = condition.DateOrDateTime("onsetDate");
            var status = condition.Code("clinicalStatus", ClinicalStatuses);
            if (code is not null)
            {
                conditions.Add(new ConditionInfo(code, display, onset, status));
            }
        }

        VitalsInfo? vitals = null;
        if (fields.Object("vitals") is { } v)
        {
            var weightKg = VitalSigns.WeightKg(v);
            var heightCm = v.Decimal("heightCm", min: 30, max: 272);
            var (systolic, diastolic, heartRate) = VitalSigns.BloodPressureAndHeartRate(v);
            vitals = new VitalsInfo(weightKg, heightCm, systolic, diastolic, heartRate);
        }

        var substanceUse = new List<SubstanceUseInfo>();
        foreach (var use in fields.Objects("substanceUse"))
        {
            var substance = use.Code("substance", Substances, required: true);
            var pattern = use.Code("pattern", Patterns);
            var years = use.Decimal("yearsOfUse", min: 0, max: 120);
            var lastUse = use.DateOrDateTime("lastUseDate");
            if (substance is not null)
            {
                substanceUse.Add(new SubstanceUseInfo(substance, pattern, years, lastUse));
            }
        }

        var medications = new List<MedicationInfo>();
        foreach (var medication in fields.Objects("medications"))
        {
            var name = medication.String("name", required: true);
            var rxnorm = medication.String("rxnorm", pattern: RxNormPattern(), patternHint: "an RxNorm concept id (digits)");
            var dose = medication.String("dose");
            var frequency = medication.String("frequency");
            var active = medication.Bool("active");
            if (name is not null)
            {
                medications.Add(new MedicationInfo(name, rxnorm, dose, frequency, active));
            }
        }

        var priorTreatments = fields.Codes("priorTreatments", PriorTreatments);
        var contraindications = new List<KeyValuePair<string, bool>>();
        if (fields.Object("contraindications") is { } contra)
        {
            foreach (var name in ContraindicationNames)
            {
                if (contra.Bool(name) is { } value)
                {
                    contraindications.Add(new(name, value));
                }
            }
        }

        MisuseRiskInfo? misuseRisk = null;
        if (fields.Object("misuseRisk") is { } risk)
        {
            var level = risk.Code("level", RiskLevels, required: true);
            var prior = risk.Bool("priorKetamineMisuse");
            var diversion = risk.Bool("diversionConcern");
            var notes = risk.String("notes", maxLength: 64 * 1024);
            if (level is not null)
            {
                misuseRisk = new MisuseRiskInfo(level, prior, diversion, notes);
            }
        }

        return patient is null || formId is null || formVersion is null || submittedAt is null
            ? null
            : new IntakePayload(patient, formId, formVersion, submittedAt.Value, answers, conditions, vitals, substanceUse,
                medications, priorTreatments, contraindications, misuseRisk);
    }

    private static PatientInfo? ParsePatient(JsonFields? p)
    {
        if (p is null)
        {
            return null;
        }

        var mrn = p.String("mrn", required: true, maxLength: 64);
        var firstName = p.String("firstName", required: true, maxLength: 200);
        var middleName = p.String("middleName", maxLength: 200);
        var lastName = p.String("lastName", required: true, maxLength: 200);
        var preferredName = p.String("preferredName", maxLength: 200);
        var dateOfBirth = p.Date("dateOfBirth", required: true);
        var sexAtBirth = p.Code("sexAtBirth", Sexes, required: true);
        var genderIdentity = p.String("genderIdentity", maxLength: 100);
        var pronouns = p.String("pronouns", maxLength: 100);
        var phones = new List<PhoneInfo>();
        foreach (var phone in p.Objects("phones"))
        {
            var use = phone.Code("use", PhoneUses) ?? "mobile";
            var number = phone.String("number", required: true, maxLength: 40);
            if (number is not null)
            {
                phones.Add(new PhoneInfo(use, number));
            }
        }

        var email = p.String("email", maxLength: 320);
        AddressInfo? address = null;
        if (p.Object("address") is { } a)
        {
            var line1 = a.String("line1", required: true);
            var line2 = a.String("line2");
            var city = a.String("city", required: true);
            var state = a.String("state", required: true);
            var postalCode = a.String("postalCode", required: true);
            var country = a.String("country");
            if (line1 is not null && city is not null && state is not null && postalCode is not null)
            {
                address = new AddressInfo(line1, line2, city, state, postalCode, country);
            }
        }

        var language = p.String("preferredLanguage", pattern: LanguagePattern(), patternHint: "a BCP-47 language tag such as en, es or pt-BR");
        var maritalStatus = p.String("maritalStatus", maxLength: 50);
        EmergencyContactInfo? emergency = null;
        if (p.Object("emergencyContact") is { } e)
        {
            var name = e.String("name", required: true);
            var relationship = e.String("relationship", required: true);
            var phone = e.String("phone", required: true);
            if (name is not null && relationship is not null && phone is not null)
            {
                emergency = new EmergencyContactInfo(name, relationship, phone);
            }
        }

        var pcp = ParseProvider(p.Object("primaryCareProvider"));
        ReferrerInfo? referredBy = null;
        if (p.Object("referredBy") is { } r)
        {
            var name = r.String("name", required: true);
            var npi = r.String("npi", pattern: NpiPattern(), patternHint: "a 10-digit NPI");
            var organization = r.String("organization");
            if (name is not null)
            {
                referredBy = new ReferrerInfo(name, npi, organization);
            }
        }

        return mrn is null || firstName is null || lastName is null || dateOfBirth is null || sexAtBirth is null
            ? null
            : new PatientInfo(mrn, firstName, middleName, lastName, preferredName, dateOfBirth.Value, sexAtBirth,
                genderIdentity, pronouns, phones, email, address, language, maritalStatus, emergency, pcp, referredBy);
    }

    internal static ProviderInfo? ParseProvider(JsonFields? provider)
    {
        if (provider is null)
        {
            return null;
        }

        var name = provider.String("name", required: true, maxLength: 200);
        var npi = provider.String("npi", pattern: NpiPattern(), patternHint: "a 10-digit NPI");
        return name is null ? null : new ProviderInfo(name, npi);
    }
}
