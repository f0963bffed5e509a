namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// What happened to one Bundle entry at one destination.
/// </summary>
/// <param name="ResourceKey">The entry's conditional request URL from the mapper; may hold an MRN, so report it with care.</param>
/// <param name="ResourceType">The entry's resource type.</param>
/// <param name="FullUrl">The entry's fullUrl in the Bundle given to the sender (urn:uuid).</param>
/// <param name="Outcome">Sent, waiting for a retry, or rejected.</param>
/// <param name="HttpStatus">The status that decided the outcome, when there was a response.</param>
/// <param name="ServerId">The id at the destination (Sent only).</param>
/// <param name="VersionId">The version at the destination, when the server gave one (Sent only).</param>
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
