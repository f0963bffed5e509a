using System.Globalization;
using System.Text.Json;

namespace FhirAdapter.Generation;

/// <summary>One version of a session record, written as JSON or as a CSV row (which carries less).</summary>
internal sealed record SessionDraft(
    string RecordId,
    DateTimeOffset UpdatedAt,
    string Site,
    string Mrn,
    string CourseId,
    int SessionNumber,
    int PlannedSessions,
    DateTimeOffset ScheduledStart,
    string SessionStatus,
    Person Provider,
    string Indication,
    string Medication,
    string Route,
    decimal TotalMg)
{
    /// <summary>The contract's CSV columns, in its order.</summary>
    public static readonly string[] CsvColumns =
    [
        "recordId", "updatedAt", "status", "site", "patientMrn", "courseId", "sessionNumber", "startedAt", "endedAt", "dischargedAt",
        "sessionStatus", "providerName", "providerNpi", "indication", "medication", "route", "totalMg", "mgPerKg", "infusionMinutes",
        "lotNumber", "weightKg", "preSystolic", "preDiastolic", "preHeartRate", "preSpo2", "postSystolic", "postDiastolic", "postHeartRate",
        "postSpo2", "cadss", "moaas", "phq9", "sideEffects", "notes",
    ];

    public sealed record Vital(string Phase, DateTimeOffset At, int Systolic, int Diastolic, int HeartRate, int? Spo2, int? RespiratoryRate);

    public sealed record Effect(string Name, string Severity, string? TreatedWith);

    public bool EnteredInError { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public DateTimeOffset? DischargedAt { get; init; }

    public DateTimeOffset? ReadyToLeaveAt { get; init; }

    public Person? MonitoredBy { get; init; }

    public decimal? MgPerKg { get; init; }

    public int? InfusionMinutes { get; init; }

    public string? LotNumber { get; init; }

    public decimal? WeightKg { get; init; }

    public IReadOnlyList<Vital> Vitals { get; init; } = [];

    public int? Phq9 { get; init; }

    public int? Gad7 { get; init; }

    public int? Cadss { get; init; }

    public int? Moaas { get; init; }

    public IReadOnlyList<Effect> SideEffects { get; init; } = [];

    /// <summary>Null: not recorded; false: recorded as none; true: with <see cref="AdverseDescription"/>.</summary>
    public bool? AdverseEvent { get; init; }

    public string? AdverseDescription { get; init; }

    public string? AdverseSeriousness { get; init; }

    public string? Notes { get; init; }

    public string? ChairId { get; init; }

    /// <summary>What only JSON can say: such a session never goes to CSV.</summary>
    public bool NeedsJson => SessionStatus == "no-show" || AdverseEvent == true || Gad7 is not null;

    public byte[] ToJson() => JsonRecord.Build(w =>
    {
        w.WriteString("recordType", "session");
        w.WriteString("recordId", RecordId);
        w.WriteString("updatedAt", ClinicClock.Iso(UpdatedAt));
        if (EnteredInError)
        {
            w.WriteString("status", "entered-in-error");
        }

        w.WriteString("site", Site);
        w.WriteString("patientMrn", Mrn);
        w.WriteStartObject("course");
        w.WriteString("courseId", CourseId);
        w.WriteNumber("sessionNumber", SessionNumber);
        w.WriteNumber("plannedSessions", PlannedSessions);
        w.WriteEndObject();
        w.WriteString("scheduledStart", ClinicClock.Iso(ScheduledStart));
        Time(w, "startedAt", StartedAt);
        Time(w, "endedAt", EndedAt);
        Time(w, "dischargedAt", DischargedAt);
        w.WriteString("sessionStatus", SessionStatus);
        IntakeBuilder.WritePerson(w, "provider", Provider, null);
        if (MonitoredBy is not null)
        {
            IntakeBuilder.WritePerson(w, "monitoredBy", MonitoredBy, null);
        }

        w.WriteString("indication", Indication);
        w.WriteString("medication", Medication);
        w.WriteString("route", Route);
        w.WriteStartObject("dose");
        w.WriteNumber("totalMg", TotalMg);
        if (MgPerKg is { } perKg)
        {
            w.WriteNumber("mgPerKg", perKg);
        }

        if (InfusionMinutes is { } minutes)
        {
            w.WriteNumber("infusionMinutes", minutes);
        }

        if (LotNumber is not null)
        {
            w.WriteString("lotNumber", LotNumber);
        }

        w.WriteEndObject();
        if (WeightKg is { } weight)
        {
            w.WriteNumber("weightKg", weight);
        }

        if (Vitals.Count > 0)
        {
            w.WriteStartArray("vitals");
            foreach (var v in Vitals)
            {
                w.WriteStartObject();
                w.WriteString("at", ClinicClock.Iso(v.At));
                w.WriteString("phase", v.Phase);
                w.WriteNumber("systolic", v.Systolic);
                w.WriteNumber("diastolic", v.Diastolic);
                w.WriteNumber("heartRate", v.HeartRate);
                Number(w, "spo2", v.Spo2);
                Number(w, "respiratoryRate", v.RespiratoryRate);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (Phq9 is not null || Gad7 is not null || Cadss is not null || Moaas is not null)
        {
            w.WriteStartObject("scores");
            Number(w, "phq9", Phq9);
            Number(w, "gad7", Gad7);
            Number(w, "cadss", Cadss);
            Number(w, "moaas", Moaas);
            w.WriteEndObject();
        }

        if (SideEffects.Count > 0)
        {
            w.WriteStartArray("sideEffects");
            foreach (var effect in SideEffects)
            {
                w.WriteStartObject();
                w.WriteString("effect", effect.Name);
                w.WriteString("severity", effect.Severity);
                if (effect.TreatedWith is not null)
                {
                    w.WriteString("treatedWith", effect.TreatedWith);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (AdverseEvent is { } occurred)
        {
            w.WriteStartObject("adverseEvent");
            w.WriteBoolean("occurred", occurred);
            if (AdverseDescription is not null)
            {
                w.WriteString("description", AdverseDescription);
            }

            if (AdverseSeriousness is not null)
            {
                w.WriteString("seriousness", AdverseSeriousness);
            }

            w.WriteEndObject();
        }

        Time(w, "readyToLeaveAt", ReadyToLeaveAt);
        if (Notes is not null)
        {
            w.WriteString("notes", Notes);
        }

        if (ChairId is not null)
        {
            w.WriteString("chairId", ChairId);
        }
    });

    /// <summary>The CSV cells by column; times without an offset (clinic time) when <paramref name="localTimes"/>.</summary>
    public Dictionary<string, string> ToCsvCells(bool localTimes, bool emptyStatus)
    {
        string T(DateTimeOffset? value) => value is { } v ? (localTimes ? ClinicClock.Local(v) : ClinicClock.Iso(v)) : "";
        string N(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
        var pre = Vitals.FirstOrDefault(v => v.Phase == "pre");
        var post = Vitals.LastOrDefault(v => v.Phase == "post");
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["recordId"] = RecordId,
            ["updatedAt"] = T(UpdatedAt),
            ["status"] = emptyStatus && !EnteredInError ? "" : EnteredInError ? "entered-in-error" : "active",
            ["site"] = Site,
            ["patientMrn"] = Mrn,
            ["courseId"] = CourseId,
            ["sessionNumber"] = N(SessionNumber),
            ["startedAt"] = T(StartedAt),
            ["endedAt"] = T(EndedAt),
            ["dischargedAt"] = T(DischargedAt),
            ["sessionStatus"] = SessionStatus,
            ["providerName"] = Provider.Name,
            ["providerNpi"] = Provider.Npi ?? "",
            ["indication"] = Indication,
            ["medication"] = Medication,
            ["route"] = Route,
            ["totalMg"] = N(TotalMg),
            ["mgPerKg"] = N(MgPerKg),
            ["infusionMinutes"] = N(InfusionMinutes),
            ["lotNumber"] = LotNumber ?? "",
            ["weightKg"] = N(WeightKg),
            ["preSystolic"] = N(pre?.Systolic),
            ["preDiastolic"] = N(pre?.Diastolic),
            ["preHeartRate"] = N(pre?.HeartRate),
            ["preSpo2"] = N(pre?.Spo2),
            ["postSystolic"] = N(post?.Systolic),
            ["postDiastolic"] = N(post?.Diastolic),
            ["postHeartRate"] = N(post?.HeartRate),
            ["postSpo2"] = N(post?.Spo2),
            ["cadss"] = N(Cadss),
            ["moaas"] = N(Moaas),
            ["phq9"] = N(Phq9),
            ["sideEffects"] = string.Join(';', SideEffects.Select(e => $"{e.Name}:{e.Severity}")),
            ["notes"] = Notes ?? "",
        };
    }

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, ClinicClock.Iso(v));
        }
    }

    private static void Number(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }
}
