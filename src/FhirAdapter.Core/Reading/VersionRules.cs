namespace FhirAdapter.Core.Reading;

/// <summary>
/// The envelope's versioning rule, in one place for the in-memory run and the durable store:
/// for one recordId a later <c>updatedAt</c> supersedes, an equal one with equal content is a
/// repeat, an earlier one is stale.
/// </summary>
public static class VersionRules
{
    public static VersionOutcome Compare(DateTimeOffset? knownUpdatedAt, string? knownHash, DateTimeOffset incomingUpdatedAt, string incomingHash)
    {
        if (knownUpdatedAt is not { } known)
        {
            return VersionOutcome.New;
        }

        return incomingUpdatedAt.CompareTo(known) switch
        {
            > 0 => VersionOutcome.Supersedes,
            < 0 => VersionOutcome.Stale,
            _ => string.Equals(knownHash, incomingHash, StringComparison.Ordinal) ? VersionOutcome.Repeat : VersionOutcome.Conflict,
        };
    }
}
