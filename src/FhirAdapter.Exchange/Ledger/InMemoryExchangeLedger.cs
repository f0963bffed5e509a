using System.Collections.Concurrent;
using FhirAdapter.Exchange.Sending;

namespace FhirAdapter.Exchange.Ledger;

/// <summary>The ledger for tests and for runs without a store; forgets everything when the process ends.</summary>
public sealed class InMemoryExchangeLedger : IExchangeLedger
{
    private readonly ConcurrentDictionary<(string Destination, string Key), LedgerRecord> _records = new();

    public IReadOnlyCollection<LedgerRecord> Records => [.. _records.Values];

    public ValueTask<ServerVersion?> FindAsync(string destination, string resourceKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(resourceKey);
        return ValueTask.FromResult(_records.TryGetValue((destination, resourceKey), out var r) ? r.Server : null);
    }

    public ValueTask RecordAsync(string destination, string patientKey, IReadOnlyList<EntryResult> results, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(results);
        foreach (var result in results)
        {
            _records.AddOrUpdate(
                (destination, result.ResourceKey),
                _ => new LedgerRecord(destination, result.ResourceKey, patientKey, result, ServerOf(result, null)),
                (_, old) => old with { PatientKey = patientKey, LastResult = result, Server = ServerOf(result, old.Server) });
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Sets a known version directly, as a store loaded from disk would have it.</summary>
    public void Seed(string destination, string resourceKey, ServerVersion server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var result = new EntryResult(resourceKey, server.ResourceType, "", EntryOutcome.Sent, 200, server.Id, server.VersionId, null);
        _records[(destination, resourceKey)] = new LedgerRecord(destination, resourceKey, "", result, server);
    }

    private static ServerVersion? ServerOf(EntryResult result, ServerVersion? previous) =>
        result.Outcome == EntryOutcome.Sent && result.ServerId is not null
            ? new ServerVersion(result.ResourceType, result.ServerId, result.VersionId)
            : previous;
}
