using FhirAdapter.Core.Reading;

namespace FhirAdapter.Store.Records;

/// <summary>
/// One stored version of a source record. <see cref="PatientMrn"/> is kept to regroup and map records; it is
/// patient data, so it must never reach a log line or a message.
/// </summary>
public sealed record StoredRecord(
    RecordKind Kind,
    string RecordId,
    DateTimeOffset UpdatedAt,
    RecordStatus Status,
    string? Site,
    string ContentHash,
    string? PatientMrn,
    string? PatientKey,
    string PayloadJson,
    SourceLocation Source,
    VersionOutcome Outcome,
    bool IsCurrent,
    int Arrivals,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt)
{
    /// <summary>The record as the reader produced it, typed payload and content hash included.</summary>
    public ClinicRecord ToClinicRecord() =>
        new(Kind, RecordId, UpdatedAt, Status, Site, PayloadSerializer.Deserialize(Kind, PayloadJson), Source) { ContentHash = ContentHash };
}
