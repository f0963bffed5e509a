using System.Globalization;

namespace FhirAdapter.Generation;

/// <summary>
/// One course of treatment: 4 to 8 sessions, two or three a week, dosed as the clinic doses
/// (ketamine IV 0.5 mg/kg over 40 min, sometimes titrated; IM by weight; sublingual and oral fixed
/// doses; esketamine 56 then 84 mg with at least 2 h monitoring; NAD+ infusions over hours).
/// </summary>
internal static class CourseBuilder
{
    public const int MinSessions = 4;
    public const int MaxSessions = 8;

    private static readonly (string Value, double Weight)[] KetamineEffects =
    [
        ("dissociation", 30), ("nausea", 15), ("dizziness", 15), ("blurred-vision", 10), ("elevated-blood-pressure", 8),
        ("headache", 8), ("anxiety", 6), ("sedation", 6), ("vomiting", 2), ("other", 1),
    ];

    private static readonly (string Value, double Weight)[] NadEffects =
        [("nausea", 30), ("headache", 20), ("other", 25), ("anxiety", 15), ("dizziness", 10)];

    private static readonly (string Value, double Weight)[] Statuses =
        [("completed", 93), ("no-show", 3), ("cancelled", 2.5), ("stopped-early", 1.5)];

    public static List<SessionDraft> Build(
        Dice dice, PatientFacts patient, string courseId, DateOnly firstDay, string medication, string route, Func<DateOnly, string> nextSessionId)
    {
        var planned = dice.Between(MinSessions, MaxSessions);
        var boca = patient.Site == "BOCA";
        var provider = dice.Pick(boca ? Vocabulary.BocaPrescribers : Vocabulary.DelrayPrescribers);
        var titrated = dice.Chance(0.3);
        var fixedDose = medication switch
        {
            "nad-plus" => dice.Pick<decimal>([250m, 500m, 750m, 1000m]),
            _ when route == "sublingual" => dice.Pick<decimal>([100m, 150m, 200m]),
            _ when route == "oral" => dice.Pick<decimal>([150m, 200m, 250m, 300m]),
            _ => 0m,
        };
        var imPerKg = dice.Pick<decimal>([0.5m, 0.75m]);
        var nadMinutes = dice.Pick<int>([120, 150, 180, 240]);
        var stepUp = dice.Chance(0.7);
        var sessions = new List<SessionDraft>(planned);
        var day = ClinicClock.OpenOnOrAfter(firstDay);
        for (var number = 1; number <= planned; number++)
        {
            if (number > 1)
            {
                day = ClinicClock.OpenOnOrAfter(day.AddDays(dice.Between(2, 3)));
            }

            sessions.Add(Session(dice, patient, courseId, number, planned, day, medication, route, nextSessionId(day),
                dice.Chance(0.8) ? provider : dice.Pick(boca ? Vocabulary.BocaPrescribers : Vocabulary.DelrayPrescribers),
                Dose(patient, medication, route, number, titrated, fixedDose, imPerKg, stepUp), nadMinutes));
        }

        return sessions;
    }

    private static (decimal TotalMg, decimal? PerKg) Dose(PatientFacts patient, string medication, string route, int number, bool titrated, decimal fixedDose, decimal imPerKg, bool stepUp)
    {
        decimal ByWeight(decimal perKg) => Math.Round(patient.WeightKg * perKg, 1);
        return (medication, route) switch
        {
            ("esketamine", _) => (number <= 2 || !stepUp ? 56m : 84m, null),
            ("ketamine", "iv") => titrated && number >= 3 ? (ByWeight(0.75m), 0.75m) : (ByWeight(0.5m), 0.5m),
            ("ketamine", "im") => (ByWeight(imPerKg), imPerKg),
            _ => (fixedDose, null),
        };
    }

    private static SessionDraft Session(
        Dice dice, PatientFacts patient, string courseId, int number, int planned, DateOnly day, string medication, string route,
        string recordId, Person provider, (decimal TotalMg, decimal? PerKg) dose, int nadMinutes)
    {
        var boca = patient.Site == "BOCA";
        var scheduled = ClinicClock.At(day, (8 * 60) + (30 * dice.Between(0, 16)));
        var status = dice.Weighted(Statuses);
        var ketamine = medication != "nad-plus";
        // A site uses one lot of each drug a month, as a pharmacy would.
        var lotNumber = ((day.Month * 37) + (day.Year * 11) + (boca ? 5 : 61)) % 90;
        var lot = medication switch
        {
            "esketamine" => string.Create(CultureInfo.InvariantCulture, $"SPV{day.Year % 10}{(char)('A' + day.Month - 1)}{lotNumber % 30 + 10}"),
            "nad-plus" => string.Create(CultureInfo.InvariantCulture, $"NAD-{day:yyMM}-{lotNumber % 20 + 1:D2}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"KT{day:yy}{(char)('A' + day.Month - 1)}{lotNumber + 100:D3}"),
        };
        var draft = new SessionDraft(recordId, scheduled, patient.Site, patient.Mrn, courseId, number, planned, scheduled, status, provider,
            patient.Primary.Icd10Cm, medication, route, dose.TotalMg)
        {
            MgPerKg = dose.PerKg,
            InfusionMinutes = route == "iv" ? (ketamine ? 40 : nadMinutes) : null,
            LotNumber = lot,
            WeightKg = dice.Chance(0.9) ? patient.WeightKg + Math.Round((decimal)dice.Uniform(-0.8, 0.8), 1) : null,
            MonitoredBy = dice.Pick(boca ? Vocabulary.BocaMonitors : Vocabulary.DelrayMonitors),
            ChairId = dice.Chance(0.08) ? string.Create(CultureInfo.InvariantCulture, $"{patient.Site[0]}-{dice.Between(1, 6)}") : null,
        };

        if (status is "no-show" or "cancelled")
        {
            var note = status == "no-show"
                ? dice.Pick<string>(["Did not attend; phoned twice, rescheduled.", "No-show. Voicemail left; care coordinator to follow up."])
                : dice.Pick<string>(["Cancelled by patient: unwell with a cold. Rebooked.", "Cancelled by clinic: infusion pump fault. Rebooked.", "Cancelled: no escort available for discharge."]);
            return draft with { UpdatedAt = ClinicClock.Later(scheduled, dice.Between(30, 240)), Notes = note, AdverseEvent = null };
        }

        var started = ClinicClock.Later(scheduled, dice.Between(0, 15));
        var stopped = status == "stopped-early";
        var minutes = (medication, route) switch
        {
            ("esketamine", _) => dose.TotalMg > 56m ? 10 : 5,
            ("nad-plus", _) => stopped ? dice.Between(30, 60) : nadMinutes,
            (_, "iv") => stopped ? dice.Between(15, 25) : 40,
            (_, "im") => 45,
            (_, "oral") => 60,
            _ => 40,
        };
        var ended = ClinicClock.Later(started, minutes);
        var discharged = medication switch
        {
            "esketamine" => ClinicClock.Later(started, dice.Between(120, 135)), // monitored at least 2 h
            "nad-plus" => ClinicClock.Later(ended, dice.Between(10, 30)),
            _ => ClinicClock.Later(ended, dice.Between(40, 75)),
        };
        var totalMg = dose.TotalMg;
        int? infusion = draft.InfusionMinutes;
        if (stopped && route == "iv")
        {
            // Stopped partway: the dose given is the share of the infusion that ran.
            totalMg = Math.Max(0.1m, Math.Round(totalMg * minutes / (infusion ?? minutes), 1));
            infusion = minutes;
        }

        var vitals = new List<SessionDraft.Vital>
        {
            Vital(dice, patient, "pre", ClinicClock.Later(started, -dice.Between(3, 10)), 0),
        };
        var duringAt = ClinicClock.Later(started, medication switch { "esketamine" => 40, "nad-plus" => Math.Min(60, minutes / 2), _ => dice.Between(15, 30) });
        if (duringAt < discharged && !(stopped && route == "iv"))
        {
            vitals.Add(Vital(dice, patient, "during", duringAt, ketamine ? dice.Between(8, 25) : dice.Between(0, 8)));
        }

        vitals.Add(Vital(dice, patient, "post", ClinicClock.Later(discharged, -dice.Between(10, 20)), dice.Between(0, 8)));

        var effects = SideEffects(dice, ketamine);
        bool? adverse = dice.Chance(0.7) ? false : null;
        string? description = null, seriousness = null;
        if (stopped)
        {
            var cause = ketamine ? "elevated-blood-pressure" : "vomiting";
            effects = [.. effects.Where(e => e.Name != cause), new SessionDraft.Effect(cause, "severe", cause == "vomiting" ? "ondansetron 4 mg IV" : "labetalol 10 mg IV")];
            if (cause == "elevated-blood-pressure" && dice.Chance(0.5))
            {
                (adverse, description, seriousness) = (true, "Hypertensive response during infusion; infusion stopped, resolved with rest and labetalol.", "non-serious");
            }
        }
        else if (dice.Chance(0.004))
        {
            (adverse, description, seriousness) = dice.Chance(0.85)
                ? (true, "Prolonged dissociation with agitation; observed an extra hour, resolved without sequelae.", "non-serious")
                : (true, "Emergence reaction with chest pain; transferred to the emergency department for evaluation.", "serious");
        }

        var depressive = patient.Primary.Reason is "depression" or "ptsd";
        var progress = (number - 1) * dice.Uniform(0.8, 2.2);
        return draft with
        {
            UpdatedAt = ClinicClock.Later(discharged, dice.Between(10, 120)),
            StartedAt = started,
            EndedAt = ended,
            DischargedAt = discharged,
            ReadyToLeaveAt = dice.Chance(0.8) ? ClinicClock.Later(discharged, -dice.Between(5, 15)) : null,
            TotalMg = totalMg,
            InfusionMinutes = infusion,
            Vitals = vitals,
            Phq9 = number % 2 == 1 && (depressive || dice.Chance(0.3)) ? (int)Math.Clamp(Math.Round(patient.Phq9 - progress + dice.Normal(0, 1.5, -4, 4)), 0, 27) : null,
            Gad7 = number % 2 == 1 && patient.Primary.Reason == "anxiety" ? (int)Math.Clamp(Math.Round(patient.Gad7 - progress + dice.Normal(0, 1.2, -3, 3)), 0, 21) : null,
            Cadss = ketamine ? (int)dice.Normal(20, 9, 0, 60) : null,
            Moaas = ketamine ? dice.Weighted<int>([(5, 50), (4, 35), (3, 12), (2, 3)]) : null,
            SideEffects = effects,
            AdverseEvent = adverse,
            AdverseDescription = description,
            AdverseSeriousness = seriousness,
            Notes = dice.Chance(0.12) ? dice.Pick(Vocabulary.SessionNotes) : null,
        };
    }

    private static SessionDraft.Vital Vital(Dice dice, PatientFacts patient, string phase, DateTimeOffset at, int rise) => new(
        phase,
        at,
        (int)dice.Normal(patient.Systolic + rise, 6, 90, 200),
        (int)dice.Normal(patient.Diastolic + (rise / 2), 4, 50, 120),
        (int)dice.Normal(patient.HeartRate + (rise / 3), 5, 48, 130),
        dice.Chance(0.85) ? dice.Between(95, 100) : null,
        dice.Chance(0.3) ? dice.Between(12, 18) : null);

    private static List<SessionDraft.Effect> SideEffects(Dice dice, bool ketamine)
    {
        var count = dice.Weighted<int>([(0, 40), (1, 40), (2, 20)]);
        var effects = new List<SessionDraft.Effect>();
        while (effects.Count < count)
        {
            var name = dice.Weighted(ketamine ? KetamineEffects : NadEffects);
            if (effects.Any(e => e.Name == name))
            {
                continue;
            }

            var severity = dice.Weighted<string>([("mild", 80), ("moderate", 17), ("severe", 3)]);
            string? treated = name switch
            {
                "nausea" or "vomiting" when dice.Chance(0.5) => "ondansetron 4 mg ODT",
                "headache" when dice.Chance(0.5) => "acetaminophen 500 mg PO",
                "anxiety" when dice.Chance(0.4) => "lorazepam 0.5 mg SL",
                "elevated-blood-pressure" when dice.Chance(0.3) => "clonidine 0.1 mg PO",
                _ => null,
            };
            effects.Add(new SessionDraft.Effect(name, severity, treated));
        }

        return effects;
    }
}
