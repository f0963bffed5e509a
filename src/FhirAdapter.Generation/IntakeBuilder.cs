using System.Globalization;
using System.Text.Json;

namespace FhirAdapter.Generation;

/// <summary>
/// Draws one new patient (demographics, history, screening answers) and writes the intake record,
/// returning the facts that the patient's consents and sessions depend on.
/// </summary>
internal static class IntakeBuilder
{
    private static readonly string[] ContraindicationNames =
        ["uncontrolledHypertension", "psychosisHistory", "maniaHistory", "pregnant", "breastfeeding", "ketamineAllergy", "severeCardiacDisease"];

    public static (PatientFacts Facts, byte[] Json) Create(Dice dice, int number, string mrn, string recordId, string site, DateTimeOffset submittedAt, DateTimeOffset updatedAt)
    {
        var sex = dice.Weighted<string>([("female", 55), ("male", 44), ("unknown", 1)]);
        var minor = dice.Chance(0.01);
        var age = minor ? dice.Between(16, 17) : (int)dice.Normal(42, 13, 18, 79);
        var birth = DateOnly.FromDateTime(submittedAt.DateTime).AddYears(-age).AddDays(-dice.Between(1, 360));
        var primary = dice.Weighted(Vocabulary.Indications);
        var secondary = dice.Chance(0.35) ? dice.Weighted(Vocabulary.Indications) : null;
        if (secondary?.Icd10Cm == primary.Icd10Cm)
        {
            secondary = null;
        }

        var form = primary.Reason switch
        {
            "anxiety" when dice.Chance(0.5) => FormCatalog.Gad7Form,
            "alcohol" when dice.Chance(0.5) => FormCatalog.AuditCForm,
            _ => FormCatalog.IntakeForm,
        };
        var male = sex == "male";
        var weight = Math.Round((decimal)dice.Normal(male ? 86 : 70, 15, 42, 160), 1);
        var height = (int)dice.Normal(male ? 177 : 163, 7, 145, 200);
        var systolic = (int)dice.Normal(124, 12, 96, 168);
        var diastolic = (int)dice.Normal(79, 8, 58, 104);
        var heartRate = (int)dice.Normal(74, 9, 50, 110);
        var depressed = primary.Reason is "depression" or "ptsd";
        var phq9 = Enumerable.Range(0, 9).Select(_ => (int)Math.Round(dice.Normal(depressed ? 2.2 : 1.2, 0.8, 0, 3))).ToArray();
        var gad7 = Enumerable.Range(0, 7).Select(_ => (int)Math.Round(dice.Normal(primary.Reason == "anxiety" ? 2.2 : 1.3, 0.8, 0, 3))).ToArray();
        var risk = dice.Weighted<string>([("low", 80), ("moderate", 15), ("high", 5)]);
        string? contraindication = null;
        if (dice.Chance(0.04))
        {
            contraindication = dice.Pick(ContraindicationNames);
            if (contraindication is "pregnant" or "breastfeeding" && (sex != "female" || age > 45))
            {
                contraindication = "uncontrolledHypertension";
            }
        }

        var facts = new PatientFacts(number, mrn, site, submittedAt, sex, minor, weight, systolic, diastolic, heartRate, primary,
            phq9.Sum(), gad7.Sum(), risk, contraindication);

        var json = JsonRecord.Build(w =>
        {
            w.WriteString("recordType", "intake");
            w.WriteString("recordId", recordId);
            w.WriteString("updatedAt", ClinicClock.Iso(updatedAt));
            w.WriteString("site", site);
            WritePatient(w, dice, mrn, site, sex, age, birth);
            w.WriteStartObject("form");
            w.WriteString("formId", form);
            w.WriteString("version", form == FormCatalog.IntakeForm ? FormCatalog.IntakeVersion : FormCatalog.FirstVersion);
            w.WriteEndObject();
            w.WriteString("submittedAt", ClinicClock.Iso(submittedAt));
            w.WriteStartArray("answers");
            WriteAnswers(w, dice, form, primary, secondary, weight, phq9, gad7, submittedAt);
            w.WriteEndArray();
            WriteConditions(w, dice, primary, secondary, submittedAt);
            w.WriteStartObject("vitals");
            w.WriteNumber("weightKg", weight);
            w.WriteNumber("heightCm", height);
            w.WriteNumber("systolic", systolic);
            w.WriteNumber("diastolic", diastolic);
            w.WriteNumber("heartRate", heartRate);
            w.WriteEndObject();
            WriteSubstanceUse(w, dice, primary, submittedAt);
            WriteMedications(w, dice, primary);
            WritePriorTreatments(w, dice, primary);
            WriteContraindications(w, dice, contraindication);
            WriteMisuseRisk(w, dice, risk);
            if (dice.Chance(0.05))
            {
                // Unknown fields: the practice system's records grow over time, and readers must ignore what they do not know.
                w.WriteStartObject("_export");
                w.WriteString("system", "PracticeHub");
                w.WriteString("version", "8.4.2");
                w.WriteEndObject();
            }
        });
        return (facts, json);
    }

    private static void WritePatient(Utf8JsonWriter w, Dice dice, string mrn, string site, string sex, int age, DateOnly birth)
    {
        var first = sex switch
        {
            "female" => dice.Pick(Vocabulary.FemaleNames),
            "male" => dice.Pick(Vocabulary.MaleNames),
            _ => dice.Pick(Vocabulary.NeutralNames),
        };
        var last = dice.Pick(Vocabulary.Surnames);
        w.WriteStartObject("patient");
        w.WriteString("mrn", mrn);
        w.WriteString("firstName", first);
        if (dice.Chance(0.3))
        {
            w.WriteString("middleName", dice.Pick(sex == "male" ? Vocabulary.MaleNames : Vocabulary.FemaleNames));
        }

        w.WriteString("lastName", last);
        if (dice.Chance(0.08))
        {
            w.WriteString("preferredName", dice.Pick(Vocabulary.NeutralNames));
        }

        w.WriteString("dateOfBirth", ClinicClock.Date(birth));
        w.WriteString("sexAtBirth", sex);
        if (dice.Chance(0.8))
        {
            var identity = dice.Chance(0.03) || sex == "unknown" ? "non-binary" : sex == "female" ? "woman" : "man";
            w.WriteString("genderIdentity", identity);
            if (dice.Chance(0.7))
            {
                w.WriteString("pronouns", identity switch { "woman" => "she/her", "man" => "he/him", _ => "they/them" });
            }
        }

        w.WriteStartArray("phones");
        Phone(w, "mobile", Phone(dice));
        if (dice.Chance(0.2))
        {
            Phone(w, "home", Phone(dice));
        }

        if (dice.Chance(0.12))
        {
            Phone(w, "work", Phone(dice));
        }

        w.WriteEndArray();
        if (dice.Chance(0.9))
        {
            w.WriteString("email", string.Create(CultureInfo.InvariantCulture, $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}{dice.Between(1, 999)}@example.com"));
        }

        if (dice.Chance(0.95))
        {
            var (city, postalCodes) = site == "BOCA" ? Vocabulary.Boca : Vocabulary.Delray;
            w.WriteStartObject("address");
            w.WriteString("line1", string.Create(CultureInfo.InvariantCulture, $"{dice.Between(100, 9899)} {dice.Pick(Vocabulary.Streets)}"));
            if (dice.Chance(0.3))
            {
                w.WriteString("line2", string.Create(CultureInfo.InvariantCulture, $"Apt {dice.Between(1, 30)}{"ABCD"[dice.Between(0, 3)]}"));
            }

            w.WriteString("city", city);
            w.WriteString("state", "FL");
            w.WriteString("postalCode", dice.Pick(postalCodes));
            w.WriteString("country", "US");
            w.WriteEndObject();
        }

        w.WriteString("preferredLanguage", dice.Weighted<string>([("en", 85), ("es", 12), ("pt-BR", 3)]));
        if (age >= 18 && dice.Chance(0.8))
        {
            w.WriteString("maritalStatus", dice.Pick(Vocabulary.MaritalStatuses));
        }

        if (dice.Chance(0.85))
        {
            var relationship = age < 18 ? dice.Pick<string>(["mother", "father"]) : dice.Pick(Vocabulary.Relationships);
            var name = dice.Pick(dice.Chance(0.5) ? Vocabulary.FemaleNames : Vocabulary.MaleNames) + " " + (relationship is "friend" ? dice.Pick(Vocabulary.Surnames) : last);
            w.WriteStartObject("emergencyContact");
            w.WriteString("name", name);
            w.WriteString("relationship", relationship);
            w.WriteString("phone", Phone(dice));
            w.WriteEndObject();
        }

        if (dice.Chance(0.7))
        {
            WritePerson(w, "primaryCareProvider", dice.Pick(Vocabulary.PrimaryCare), null);
        }

        if (dice.Chance(0.35))
        {
            var organization = dice.Chance(0.6) ? dice.Pick(Vocabulary.Organizations).Name : null;
            WritePerson(w, "referredBy", dice.Pick(Vocabulary.Referrers), organization);
        }

        w.WriteEndObject();
    }

    private static string Phone(Dice dice) =>
        string.Create(CultureInfo.InvariantCulture, $"+1-{dice.Pick<string>(["561", "561", "954"])}-555-01{dice.Between(0, 99):D2}");

    private static void Phone(Utf8JsonWriter w, string use, string number)
    {
        w.WriteStartObject();
        w.WriteString("use", use);
        w.WriteString("number", number);
        w.WriteEndObject();
    }

    internal static void WritePerson(Utf8JsonWriter w, string property, Person person, string? organization)
    {
        w.WriteStartObject(property);
        w.WriteString("name", person.Name);
        if (person.Npi is not null)
        {
            w.WriteString("npi", person.Npi);
        }

        if (organization is not null)
        {
            w.WriteString("organization", organization);
        }

        w.WriteEndObject();
    }

    private static void WriteAnswers(Utf8JsonWriter w, Dice dice, string form, Indication primary, Indication? secondary, decimal weight, int[] phq9, int[] gad7, DateTimeOffset submittedAt)
    {
        switch (form)
        {
            case FormCatalog.IntakeForm:
                var reasons = new List<string> { primary.Reason };
                if (secondary is not null && secondary.Reason != primary.Reason)
                {
                    reasons.Add(secondary.Reason);
                }

                var other = dice.Chance(0.03);
                if (other)
                {
                    reasons.Add("other");
                }

                w.WriteStartObject();
                w.WriteString("linkId", "reason");
                w.WriteStartArray("value");
                foreach (var reason in FormCatalog.Reasons.Where(reasons.Contains))
                {
                    w.WriteStringValue(reason);
                }

                w.WriteEndArray();
                w.WriteEndObject();
                if (other)
                {
                    Answer(w, "reason-other", v => v.WriteString("value", dice.Pick<string>(["Chronic pain", "Migraine", "Insomnia", "Grief after a loss"])));
                }

                for (var i = 0; i < 9; i++)
                {
                    var code = FormCatalog.FrequencyCodes[phq9[i]];
                    Answer(w, FormCatalog.Phq9Items[i].LinkId, v => v.WriteString("value", code));
                }

                Answer(w, "weight", v => v.WriteNumber("value", weight));
                PriorKetamine(w, dice);
                break;
            case FormCatalog.Gad7Form:
                for (var i = 0; i < 7; i++)
                {
                    var code = FormCatalog.FrequencyCodes[gad7[i]];
                    Answer(w, FormCatalog.Gad7Items[i].LinkId, v => v.WriteString("value", code));
                }

                Answer(w, "gad7-difficulty", v => v.WriteString("value", dice.Pick(FormCatalog.DifficultyCodes)));
                Answer(w, "weight", v => v.WriteNumber("value", weight));
                var panic = dice.Chance(0.35);
                Answer(w, "panic-attacks", v => v.WriteBoolean("value", panic));
                if (panic)
                {
                    Answer(w, "last-panic-attack", v => v.WriteString("value", ClinicClock.Date(DateOnly.FromDateTime(submittedAt.DateTime).AddDays(-dice.Between(1, 30)))));
                }

                break;
            default:
                var frequency = dice.Between(2, 4);
                Answer(w, "auditc-1", v => v.WriteString("value", FormCatalog.AuditC1Codes[frequency]));
                Answer(w, "auditc-2", v => v.WriteString("value", FormCatalog.AuditC2Codes[dice.Between(1, 4)]));
                Answer(w, "auditc-3", v => v.WriteString("value", FormCatalog.AuditC3Codes[dice.Between(1, 4)]));
                Answer(w, "drinking-goal", v => v.WriteString("value", dice.Weighted<string>([("abstinence", 6), ("reduce", 3), ("unsure", 1)])));
                var days = dice.Between(1, 20);
                Answer(w, "days-since-last-drink", v => v.WriteNumber("value", days));
                Answer(w, "last-drink", v => v.WriteString("value", ClinicClock.Iso(ClinicClock.At(DateOnly.FromDateTime(submittedAt.DateTime).AddDays(-days), dice.Between(17 * 60, 23 * 60)))));
                Answer(w, "weight", v => v.WriteNumber("value", weight));
                PriorKetamine(w, dice);
                break;
        }
    }

    private static void PriorKetamine(Utf8JsonWriter w, Dice dice)
    {
        var prior = dice.Chance(0.06);
        Answer(w, "prior-ketamine", v => v.WriteBoolean("value", prior));
        if (prior)
        {
            Answer(w, "prior-ketamine-detail", v => v.WriteString("value", dice.Pick<string>(
                ["Six IV infusions at another clinic in 2023, good response for about four months.", "Esketamine nasal spray, stopped after three sessions because of nausea."])));
        }
    }

    private static void Answer(Utf8JsonWriter w, string linkId, Action<Utf8JsonWriter> value)
    {
        w.WriteStartObject();
        w.WriteString("linkId", linkId);
        value(w);
        w.WriteEndObject();
    }

    private static void WriteConditions(Utf8JsonWriter w, Dice dice, Indication primary, Indication? secondary, DateTimeOffset submittedAt)
    {
        w.WriteStartArray("conditions");
        Condition(w, dice, primary, "active", submittedAt);
        if (secondary is not null)
        {
            Condition(w, dice, secondary, dice.Weighted<string>([("active", 6), ("remission", 3), ("resolved", 1)]), submittedAt);
        }

        w.WriteEndArray();
    }

    private static void Condition(Utf8JsonWriter w, Dice dice, Indication indication, string status, DateTimeOffset submittedAt)
    {
        w.WriteStartObject();
        w.WriteString("icd10cm", indication.Icd10Cm);
        if (dice.Chance(0.97))
        {
            w.WriteString("display", indication.Display);
        }

        var onset = new DateOnly(submittedAt.Year - dice.Between(0, 20), dice.Between(1, 12), 1);
        w.WriteString("onsetDate", ClinicClock.Date(onset > DateOnly.FromDateTime(submittedAt.DateTime) ? onset.AddYears(-1) : onset));
        w.WriteString("clinicalStatus", status);
        w.WriteEndObject();
    }

    private static void WriteSubstanceUse(Utf8JsonWriter w, Dice dice, Indication primary, DateTimeOffset submittedAt)
    {
        var uses = new List<(string Substance, string Pattern)>();
        var sud = primary.Reason switch { "alcohol" => "alcohol", "opioids" => "opioids", "cocaine" => "cocaine", _ => null };
        if (sud is not null)
        {
            uses.Add((sud, dice.Weighted<string>([("daily", 5), ("weekly", 3), ("in-remission", 2)])));
        }

        if (sud != "alcohol" && dice.Chance(0.4))
        {
            uses.Add(("alcohol", dice.Pick<string>(["occasional", "monthly", "weekly"])));
        }

        if (dice.Chance(0.15))
        {
            uses.Add(("nicotine", "daily"));
        }

        if (dice.Chance(0.1))
        {
            uses.Add(("cannabis", dice.Pick<string>(["occasional", "weekly"])));
        }

        if (uses.Count == 0)
        {
            return;
        }

        w.WriteStartArray("substanceUse");
        foreach (var (substance, pattern) in uses)
        {
            w.WriteStartObject();
            w.WriteString("substance", substance);
            w.WriteString("pattern", pattern);
            w.WriteNumber("yearsOfUse", dice.Between(1, 25));
            if (substance == sud)
            {
                w.WriteString("lastUseDate", ClinicClock.Date(DateOnly.FromDateTime(submittedAt.DateTime).AddDays(-dice.Between(pattern == "in-remission" ? 90 : 1, pattern == "in-remission" ? 900 : 20))));
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteMedications(Utf8JsonWriter w, Dice dice, Indication primary)
    {
        var medications = new List<Medication>();
        if (!primary.SubstanceUse && dice.Chance(0.7))
        {
            medications.AddRange(dice.Some(Vocabulary.Antidepressants, 1, 2));
        }

        if (primary.Reason == "alcohol" && dice.Chance(0.4))
        {
            medications.Add(Vocabulary.Naltrexone);
        }

        if (primary.Reason == "opioids" && dice.Chance(0.6))
        {
            medications.Add(Vocabulary.Buprenorphine);
        }

        if (dice.Chance(0.25))
        {
            medications.AddRange(dice.Some(Vocabulary.OtherMedications, 1, 2));
        }

        if (medications.Count == 0)
        {
            return;
        }

        w.WriteStartArray("medications");
        foreach (var medication in medications)
        {
            w.WriteStartObject();
            w.WriteString("name", medication.Name);
            if (medication.RxNorm is not null)
            {
                w.WriteString("rxnorm", medication.RxNorm);
            }

            w.WriteString("dose", medication.Dose);
            w.WriteString("frequency", medication.Frequency);
            w.WriteBoolean("active", dice.Chance(0.9));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WritePriorTreatments(Utf8JsonWriter w, Dice dice, Indication primary)
    {
        string[] options = primary.Reason switch
        {
            "depression" => ["ssri", "snri", "bupropion", "tca", "maoi", "lithium", "cbt", "tms", "ect"],
            "anxiety" => ["ssri", "snri", "cbt", "dbt"],
            "ptsd" => ["ssri", "snri", "cbt", "emdr", "dbt"],
            "ocd" => ["ssri", "antipsychotic", "cbt"],
            "alcohol" => ["mat-naltrexone", "twelve-step", "residential-rehab", "cbt"],
            "opioids" => ["mat-buprenorphine", "mat-methadone", "twelve-step", "residential-rehab"],
            _ => ["twelve-step", "residential-rehab", "cbt", "other"],
        };
        w.WriteStartArray("priorTreatments");
        foreach (var treatment in dice.Some(options, 1, 4))
        {
            w.WriteStringValue(treatment);
        }

        w.WriteEndArray();
    }

    private static void WriteContraindications(Utf8JsonWriter w, Dice dice, string? contraindication)
    {
        w.WriteStartObject("contraindications");
        foreach (var name in ContraindicationNames)
        {
            if (name == contraindication || dice.Chance(0.6))
            {
                w.WriteBoolean(name, name == contraindication);
            }
        }

        w.WriteEndObject();
    }

    private static void WriteMisuseRisk(Utf8JsonWriter w, Dice dice, string level)
    {
        w.WriteStartObject("misuseRisk");
        w.WriteString("level", level);
        if (level == "high")
        {
            var prior = dice.Chance(0.5);
            w.WriteBoolean("priorKetamineMisuse", prior);
            w.WriteBoolean("diversionConcern", !prior);
            w.WriteString("notes", prior
                ? "Reports recreational ketamine use in the past; clinic-administered dosing only."
                : "Concern about diversion raised by referrer; no take-home doses, dosing observed.");
        }
        else if (dice.Chance(0.5))
        {
            w.WriteBoolean("priorKetamineMisuse", false);
            w.WriteBoolean("diversionConcern", false);
        }

        w.WriteEndObject();
    }
}
