using System.Globalization;
using System.Text.Json.Nodes;
using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>
/// Breaks a valid record in one of the ways a real practice system's records break, so the invalid path is exercised
/// at volume. Each defect is certain to be caught (by the reader, or for answers by the mapping),
/// and JSON syntax errors go only into NDJSON, where a bad line cannot hide the lines after it.
/// </summary>
internal static class Defects
{
    public static (byte[] Json, Defect Defect) BreakJson(RecordKind kind, byte[] valid, bool lineFormat, Dice dice)
    {
        if (lineFormat && dice.Chance(0.15))
        {
            // A record cut short, as when the practice system is interrupted mid-write.
            return (valid[..(valid.Length / 2)], new Defect("truncated-json"));
        }

        var record = JsonRecord.Parse(valid);
        var defect = dice.Chance(0.15) ? Envelope(record, dice) : kind switch
        {
            RecordKind.Intake => Intake(record, dice),
            RecordKind.Consent => Consent(record, dice),
            _ => Session(record, dice),
        };
        return (JsonRecord.Serialize(record), defect);
    }

    public static Defect BreakCsv(Dictionary<string, string> cells, Dice dice)
    {
        switch (dice.Between(0, 5))
        {
            case 0:
                cells["totalMg"] = "fifty";
                return new Defect("totalMg-not-a-number");
            case 1 when cells["startedAt"].Length > 0:
                cells["startedAt"] = DateTimeOffset.Parse(cells["startedAt"], CultureInfo.InvariantCulture).ToString("MM/dd/yyyy h:mm tt", CultureInfo.InvariantCulture);
                return new Defect("startedAt-us-format");
            case 2:
                cells["route"] = "rectal";
                return new Defect("route-unknown");
            case 3:
                cells["sideEffects"] = "nausea-mild";
                return new Defect("sideEffects-malformed");
            case 4:
                cells["patientMrn"] = "";
                return new Defect("patientMrn-missing");
            default:
                cells[CsvSink.ExtraCell] = "x";
                return new Defect("extra-cell");
        }
    }

    private static Defect Envelope(JsonObject record, Dice dice)
    {
        if (dice.Chance(0.5))
        {
            record["recordId"] = record["recordId"]!.GetValue<string>().Replace('-', '/');
            return new Defect("recordId-characters");
        }

        var updatedAt = record["updatedAt"]!.GetValue<string>();
        record["updatedAt"] = updatedAt[..19]; // no offset
        return new Defect("updatedAt-without-offset");
    }

    private static Defect Intake(JsonObject record, Dice dice)
    {
        var patient = record["patient"]!.AsObject();
        switch (dice.Chance(0.25) ? 5 : dice.Between(0, 4))
        {
            case 0:
                var birth = DateOnly.ParseExact(patient["dateOfBirth"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
                patient["dateOfBirth"] = birth.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture);
                return new Defect("dateOfBirth-us-format");
            case 1:
                patient.Remove("mrn");
                return new Defect("mrn-missing");
            case 2:
                patient["sexAtBirth"] = "F";
                return new Defect("sexAtBirth-code");
            case 3:
                record["conditions"]![0]!["icd10cm"] = "MDD";
                return new Defect("icd10cm-not-a-code");
            case 4:
                patient["preferredLanguage"] = "English";
                return new Defect("preferredLanguage-not-bcp47");
            default:
                // Reads fine; the mapping rejects it against its form.
                var answer = record["answers"]!.AsArray().First(a => a!["value"] is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith("LA", StringComparison.Ordinal));
                answer!["value"] = "LA0000-0";
                return new Defect("answer-not-an-option", ByMapping: true);
        }
    }

    private static Defect Consent(JsonObject record, Dice dice)
    {
        switch (dice.Between(0, 4))
        {
            case 0:
                record["consentType"] = "hipaa-release";
                return new Defect("consentType-unknown");
            case 1:
                record.Remove("signedAt");
                return new Defect("signedAt-missing");
            case 2:
                record["signedBy"] = "spouse";
                return new Defect("signedBy-unknown");
            case 3 when record["consentType"]!.GetValue<string>() == "disclosure" && record["state"]!.GetValue<string>() == "signed":
                record.Remove("recipients");
                return new Defect("recipients-missing");
            default:
                var signed = DateTimeOffset.Parse(record["signedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                record["revokedAt"] = ClinicClock.Iso(signed.AddDays(-2));
                return new Defect("revokedAt-before-signedAt");
        }
    }

    private static Defect Session(JsonObject record, Dice dice)
    {
        switch (dice.Between(0, 5))
        {
            case 0:
                record["dose"]!["totalMg"] = "fifty mg";
                return new Defect("totalMg-a-string");
            case 1:
                record["medication"] = "psilocybin";
                return new Defect("medication-unknown");
            case 2:
                record.Remove("provider");
                return new Defect("provider-missing");
            case 3 when record["startedAt"] is not null && record["endedAt"] is not null:
                var started = DateTimeOffset.Parse(record["startedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                record["endedAt"] = ClinicClock.Iso(started.AddMinutes(-10));
                return new Defect("endedAt-before-startedAt");
            case 4 when record["scores"] is JsonObject scores && scores["cadss"] is not null:
                scores["cadss"] = 120;
                return new Defect("cadss-out-of-range");
            default:
                record["sessionStatus"] = "done";
                return new Defect("sessionStatus-unknown");
        }
    }
}
