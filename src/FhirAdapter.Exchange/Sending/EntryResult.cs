namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// What happened to one Bundle entry at one destination.
/// </summary>
/// <param name="ResourceKey">The entry's conditional request URL; may hold an MRN, so report it with care.</param>
/// <param name="ResourceType">The entry's resource type.</param>
/// <param name="FullUrl">The entry's fullUrl in the Bundle given to the sender.</param>
/// <param name="Outcome">Sent, waiting for a retry, conflicting, or rejected.</param>
/// <param name="HttpStatus">The status that decided the outcome, when there was a response.</param>
/// <param name="ServerId">The id at the destination: always for Sent, and for an entry the destination stored although it
/// waits to be written again (it referred to an entry that failed beside it).</param>
/// <param name="VersionId">The version at the destination, when the server gave one.</param>
/// <param name="Reason">Why it waits or was rejected: the server's diagnostics for a rejection. Not logged by this library.</param>
public sealed record EntryResult(
    string ResourceKey,
    string ResourceType,
    string FullUrl,
    EntryOutcome Outcome,
    int? HttpStatus,
    string? ServerId,
    string? VersionId,
    string? Reason);
