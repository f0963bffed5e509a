using FhirAdapter.Core.Reading;
using FhirAdapter.Store.Records;

namespace FhirAdapter.Store;

/// <summary>Source record versions and inbox file checkpoints.</summary>
public interface IRecordStore
{
    /// <summary>The checkpoint of an inbox file, or null if it was never processed.</summary>
    Task<InboxFileState?> FindInboxFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a batch atomically: applies <see cref="VersionRules"/> to each record in order (the current version
    /// moves on New and Supersedes), marks the patients of new and superseding versions dirty, releases patients held
    /// for an arriving form, quarantines the rejected records, deletes resolved quarantine entries and checkpoints the file.
    /// </summary>
    Task<IngestResult> IngestAsync(IngestBatch batch, CancellationToken cancellationToken);

    /// <summary>The current version of one record, or null.</summary>
    Task<StoredRecord?> GetCurrentRecordAsync(RecordKind kind, string recordId, CancellationToken cancellationToken);

    /// <summary>Every stored version of one record (current, superseded, stale, conflicting), oldest first.</summary>
    Task<IReadOnlyList<StoredRecord>> GetRecordVersionsAsync(RecordKind kind, string recordId, CancellationToken cancellationToken);

    /// <summary>The current versions of a patient's records (what <c>RecordMapper.MapPatient</c> takes).</summary>
    Task<IReadOnlyList<StoredRecord>> GetCurrentRecordsAsync(string patientKey, CancellationToken cancellationToken);

    /// <summary>The current versions of a patient's records of one kind (the consents a decision at the door reads).</summary>
    Task<IReadOnlyList<StoredRecord>> GetCurrentRecordsAsync(string patientKey, RecordKind kind, CancellationToken cancellationToken);

    /// <summary>The current versions of every form.</summary>
    Task<IReadOnlyList<StoredRecord>> GetCurrentFormsAsync(CancellationToken cancellationToken);

    /// <summary>Arrivals so far by outcome, for <c>status</c>.</summary>
    Task<RecordOutcomeCounts> CountRecordOutcomesAsync(CancellationToken cancellationToken);
}
