namespace FhirAdapter.Core.Reading;

/// <summary>Reads a <c>session</c> record's content (CSV rows come here too, as JSON).</summary>
internal static class SessionParser
{
    internal static readonly string[] SessionStatuses = ["completed", "cancelled", "no-show", "stopped-early"];
    internal static readonly string[] Medications = ["ketamine", "esketamine", "nad-plus"];
    internal static readonly string[] Routes = ["iv", "im", "intranasal", "sublingual", "oral"];
    private static readonly string[] Phases = ["pre", "during", "post"];

    internal static readonly string[] SideEffects =
        ["nausea", "vomiting", "dizziness", "blurred-vision", "dissociation", "elevated-blood-pressure", "headache", "anxiety", "sedation", "other"];

    internal static readonly string[] Severities = ["mild", "moderate", "severe"];
    private static readonly string[] Seriousness = ["non-serious", "serious"];

    public static SessionPayload? Parse(JsonFields fields)
    {
        var mrn = fields.String("patientMrn", required: true, maxLength: 64);
        CourseInfo? course = null;
        if (fields.Object("course") is { } c)
        {
            var courseId = c.String("courseId", required: true, maxLength: 64);
            var number = c.Int("sessionNumber", min: 1, max: 1000);
            var planned = c.Int("plannedSessions", min: 1, max: 1000);
            if (courseId is not null)
            {
                course = new CourseInfo(courseId, number, planned);
            }
        }

        var scheduledStart = fields.DateTime("scheduledStart");
        var startedAt = fields.DateTime("startedAt");
        var endedAt = fields.DateTime("endedAt");
        var dischargedAt = fields.DateTime("dischargedAt");
        var status = fields.Code("sessionStatus", SessionStatuses, required: true);
        var provider = IntakeParser.ParseProvider(fields.Object("provider", required: true));
        var monitoredBy = IntakeParser.ParseProvider(fields.Object("monitoredBy"));
        var indication = fields.String("indication", maxLength: 10);
        var medication = fields.Code("medication", Medications, required: true);
        var route = fields.Code("route", Routes, required: true);
        DoseInfo? dose = null;
        if (fields.Object("dose", required: true) is { } d)
        {
            var totalMg = d.Decimal("totalMg", required: true, min: 0.001m, max: 10_000);
            var mgPerKg = d.Decimal("mgPerKg", min: 0.001m, max: 100);
            var minutes = d.Decimal("infusionMinutes", min: 0.1m, max: 24 * 60);
            var lot = d.String("lotNumber", maxLength: 64);
            if (totalMg is not null)
            {
                dose = new DoseInfo(totalMg.Value, mgPerKg, minutes, lot);
            }
        }

        var weightKg = VitalSigns.WeightKg(fields);
        var vitals = new List<SessionVitals>();
        foreach (var v in fields.Objects("vitals"))
        {
            var at = v.DateTime("at", required: true);
            var phase = v.Code("phase", Phases, required: true);
            var (systolic, diastolic, heartRate) = VitalSigns.BloodPressureAndHeartRate(v);
            var spo2 = v.Decimal("spo2", min: 50, max: 100);
            var respiratoryRate = v.Int("respiratoryRate", min: 2, max: 80);
            if (at is not null && phase is not null)
            {
                vitals.Add(new SessionVitals(at.Value, phase, systolic, diastolic, heartRate, spo2, respiratoryRate));
            }
        }

        SessionScores? scores = null;
        if (fields.Object("scores") is { } s)
        {
            scores = new SessionScores(
                s.Int("phq9", min: 0, max: 27),
                s.Int("gad7", min: 0, max: 21),
                s.Int("cadss", min: 0, max: 92),
                s.Int("moaas", min: 0, max: 5));
        }

        var sideEffects = new List<SideEffectInfo>();
        foreach (var effect in fields.Objects("sideEffects"))
        {
            var name = effect.Code("effect", SideEffects, required: true);
            var severity = effect.Code("severity", Severities, required: true);
            var treatedWith = effect.String("treatedWith", maxLength: 500);
            if (name is not null && severity is not null)
            {
                sideEffects.Add(new SideEffectInfo(name, severity, treatedWith));
            }
        }

        AdverseEventInfo? adverseEvent = null;
        if (fields.Object("adverseEvent") is { } ae)
        {
            var occurred = ae.Bool("occurred");
            if (occurred is null && !ae.Has("occurred"))
            {
                ae.Error("occurred", "is required");
            }

            var description = ae.String("description", maxLength: 64 * 1024);
            var seriousness = ae.Code("seriousness", Seriousness);
            if (occurred is not null)
            {
                adverseEvent = new AdverseEventInfo(occurred.Value, description, seriousness);
            }
        }

        var readyToLeaveAt = fields.DateTime("readyToLeaveAt");
        var notes = fields.String("notes", maxLength: 64 * 1024);
        CheckTimeline(fields, status, startedAt, endedAt, dischargedAt);

        return mrn is null || status is null || provider is null || medication is null || route is null || dose is null
            ? null
            : new SessionPayload(mrn, course, scheduledStart, startedAt, endedAt, dischargedAt, status, provider, monitoredBy,
                indication, medication, route, dose, weightKg, vitals, scores, sideEffects, adverseEvent, readyToLeaveAt, notes);
    }

    /// <summary>A session that took place has a start; its times run forwards.</summary>
    private static void CheckTimeline(JsonFields fields, string? status, DateTimeOffset? started, DateTimeOffset? ended, DateTimeOffset? discharged)
    {
        if (status is "completed" or "stopped-early" && started is null && !fields.Errors.Any(e => e.Field == "startedAt"))
        {
            fields.Error("startedAt", $"is required for a {status} session");
        }

        if (started is { } s && ended is { } e && e < s)
        {
            fields.Error("endedAt", "is earlier than startedAt");
        }

        if (discharged is { } d && (ended ?? started) is { } before && d < before)
        {
            fields.Error("dischargedAt", "is earlier than the session's end");
        }
    }
}
