namespace FhirAdapter.Core.Reading;

/// <summary>One valid record of the clinic's practice system: the envelope, its typed content and where it came from.</summary>
public sealed record ClinicRecord(
    RecordKind Kind,
    string RecordId,
    DateTimeOffset UpdatedAt,
    RecordStatus Status,
    string? Site,
    RecordPayload Payload,
    SourceLocation Source)
{
    /// <summary>SHA-256 over the envelope and typed content (not the source): equal for a repeat in any file format.</summary>
    public string ContentHash { get; init; } = "";

    public bool IsEnteredInError => Status == RecordStatus.EnteredInError;

    /// <summary>The patient the record belongs to, or null for a form.</summary>
    public string? PatientMrn => Payload switch
    {
        IntakePayload i => i.Patient.Mrn,
        ConsentPayload c => c.PatientMrn,
        SessionPayload s => s.PatientMrn,
        _ => null,
    };

    public T As<T>() where T : RecordPayload => (T)Payload;
}
