using FhirAdapter.Core.Export;

namespace FhirAdapter.Store.Quarantine;

/// <summary>A quarantined record as stored, with its retry history.</summary>
public sealed record QuarantinedRecord(
    long Id,
    SourceLocation Source,
    string? RecordId,
    string Field,
    string Reason,
    string? RawText,
    DateTimeOffset QuarantinedAt,
    DateTimeOffset LastSeenAt,
    int RetryCount,
    DateTimeOffset? LastRetriedAt);
