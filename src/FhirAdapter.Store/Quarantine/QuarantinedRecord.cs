using FhirAdapter.Core.Reading;

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
    DateTimeOffset? LastRetriedAt)
{
    /// <summary>
    /// Made by mapping or validating a stored record (which names its record and keeps no raw text), rather than by
    /// reading a file (which keeps the raw text of a record it rejects, or names no record where it could tell none):
    /// the remap of the record's patient clears it when it no longer applies, as a new read of the file does the others.
    /// </summary>
    public bool MadeByMapping => RawText is null && RecordId is not null;

    /// <summary>The entry as it would be made again: equal to a new one for the same record, place and reason.</summary>
    public QuarantineEntry AsEntry() => new(Source, RecordId, Field, Reason, RawText);
}
