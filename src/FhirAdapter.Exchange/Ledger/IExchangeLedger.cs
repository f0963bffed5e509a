using FhirAdapter.Exchange.Sending;

namespace FhirAdapter.Exchange.Ledger;

/// <summary>
/// What the exchange remembers between runs, per destination and resource key. The resource key is the entry's
/// conditional request URL as the mapper built it (e.g. <c>Encounter?identifier=system|value</c>): stable for a record
/// across runs. It may contain an MRN (the Patient's key), so it belongs in the store, never in logs.
/// </summary>
public interface IExchangeLedger
{
    /// <summary>The server id and version last seen for this resource at this destination, or null if unknown.</summary>
    ValueTask<ServerVersion?> FindAsync(string destination, string resourceKey, CancellationToken cancellationToken);

    /// <summary>
    /// Records one send's outcome for each entry. For <see cref="EntryOutcome.Sent"/> entries keep
    /// <see cref="EntryResult.ServerId"/> and <see cref="EntryResult.VersionId"/> (later looked up by
    /// <see cref="FindAsync"/>); for the others keep the outcome and reason, and leave any known server version as it was.
    /// </summary>
    ValueTask RecordAsync(string destination, string patientKey, IReadOnlyList<EntryResult> results, CancellationToken cancellationToken);
}
