using FhirAdapter.Store.Quarantine;

namespace FhirAdapter.Store;

/// <summary>Records that could not be used, kept for clinic IT to fix and retry.</summary>
public interface IQuarantineStore
{
    /// <summary>Entries oldest first.</summary>
    Task<IReadOnlyList<QuarantinedRecord>> ListQuarantineAsync(int limit, CancellationToken cancellationToken);

    Task<QuarantinedRecord?> GetQuarantinedAsync(long id, CancellationToken cancellationToken);

    /// <summary>A retry that failed again: counts it, and replaces the reason when a new one is given. False if no such entry.</summary>
    Task<bool> MarkRetriedAsync(long id, string? newField, string? newReason, CancellationToken cancellationToken);

    /// <summary>Deletes an entry (a successful retry normally does it through <see cref="IngestBatch.ResolvedQuarantineIds"/>).</summary>
    Task<bool> DeleteQuarantinedAsync(long id, CancellationToken cancellationToken);

    Task<long> CountQuarantineAsync(CancellationToken cancellationToken);
}
