using FhirAdapter.Exchange.Ledger;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Store;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// The exchange's memory of server ids and versions, read from the store's delivery state. Outcomes are
/// written by the delivery runner with the whole send (and its disclosure) in one unit, so
/// <see cref="RecordAsync"/> has nothing to add.
/// </summary>
internal sealed class StoreExchangeLedger(IDeliveryStore store) : IExchangeLedger
{
    public async ValueTask<ServerVersion?> FindAsync(string destination, string resourceKey, CancellationToken cancellationToken)
    {
        var state = await store.FindByRequestUrlAsync(destination, resourceKey, cancellationToken).ConfigureAwait(false);
        return state?.ServerId is { } id ? new ServerVersion(state.ResourceType, id, state.ServerVersion) : null;
    }

    public ValueTask RecordAsync(string destination, string patientKey, IReadOnlyList<EntryResult> results, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}
