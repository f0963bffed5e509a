using FhirAdapter.Store.Operations;

namespace FhirAdapter.Store;

/// <summary>The console's operators: who may sign in, with which role, and the lockout counters.</summary>
public interface IOperatorStore
{
    /// <summary>Adds an operator; false (and nothing changed) if the name is taken.</summary>
    Task<bool> AddOperatorAsync(OperatorAccount account, CancellationToken cancellationToken);

    Task<OperatorAccount?> FindOperatorAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every operator, by name.</summary>
    Task<IReadOnlyList<OperatorAccount>> ListOperatorsAsync(CancellationToken cancellationToken);

    /// <summary>False if there was no such operator.</summary>
    Task<bool> RemoveOperatorAsync(string name, CancellationToken cancellationToken);

    Task<long> CountOperatorsAsync(CancellationToken cancellationToken);

    /// <summary>A successful sign-in: clears the failure count and the lockout, notes the time.</summary>
    Task RecordSignInSucceededAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// A failed sign-in, counted atomically (two at once count twice): the one that reaches
    /// <paramref name="maxFailures"/> locks the operator out until <paramref name="lockedUntil"/> and restarts the count.
    /// </summary>
    Task RecordSignInFailedAsync(string name, int maxFailures, DateTimeOffset lockedUntil, CancellationToken cancellationToken);
}
