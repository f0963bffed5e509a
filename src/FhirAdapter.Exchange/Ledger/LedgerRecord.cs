using FhirAdapter.Exchange.Sending;

namespace FhirAdapter.Exchange.Ledger;

/// <summary>One row of <see cref="InMemoryExchangeLedger"/>: the last outcome, and the server version last known.</summary>
public sealed record LedgerRecord(string Destination, string ResourceKey, string PatientKey, EntryResult LastResult, ServerVersion? Server);
