using FhirAdapter.Store.Quarantine;

namespace FhirAdapter.Operations.Quarantine;

/// <summary>Reads a quarantined record again (the same as <c>quarantine retry</c>).</summary>
public interface IQuarantineRetry
{
    Task<RetryOutcome> RetryAsync(QuarantinedRecord entry, CancellationToken cancellationToken);
}

/// <summary>What a retry did, in words for clinic IT; <see cref="StillInvalid"/> when the record is still quarantined.</summary>
public sealed record RetryOutcome(bool StillInvalid, string Message);
