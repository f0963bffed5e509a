namespace FhirAdapter.Core.Reading;

/// <summary>One treatment session.</summary>
public sealed record SessionPayload(
    string PatientMrn,
    CourseInfo? Course,
    DateTimeOffset? ScheduledStart,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? DischargedAt,
    string SessionStatus,
    ProviderInfo Provider,
    ProviderInfo? MonitoredBy,
    string? Indication,
    string Medication,
    string Route,
    DoseInfo Dose,
    decimal? WeightKg,
    IReadOnlyList<SessionVitals> Vitals,
    SessionScores? Scores,
    IReadOnlyList<SideEffectInfo> SideEffects,
    AdverseEventInfo? AdverseEvent,
    DateTimeOffset? ReadyToLeaveAt,
    string? Notes) : RecordPayload;

public sealed record CourseInfo(string CourseId, int? SessionNumber, int? PlannedSessions);

public sealed record DoseInfo(decimal TotalMg, decimal? MgPerKg, decimal? InfusionMinutes, string? LotNumber);

public sealed record SessionVitals(
    DateTimeOffset At,
    string Phase,
    int? Systolic,
    int? Diastolic,
    int? HeartRate,
    decimal? Spo2,
    int? RespiratoryRate);

public sealed record SessionScores(int? Phq9, int? Gad7, int? Cadss, int? Moaas);

public sealed record SideEffectInfo(string Effect, string Severity, string? TreatedWith);

public sealed record AdverseEventInfo(bool Occurred, string? Description, string? Seriousness);
