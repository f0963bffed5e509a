namespace FhirAdapter.Core.Reading;

/// <summary>
/// The envelope's versioning rule, in one place for the in-memory run and the durable store:
/// for one recordId a later <c>updatedAt</c> supersedes, an equal one with equal content is a
/// repeat, an earlier one is stale. At the same <c>updatedAt</c> with other content the more
/// restrictive version wins (a revoked or declined consent over a signed one: any doubt denies);
/// two versions equally restrictive are a conflict.
/// </summary>
public static class VersionRules
{
    public static VersionOutcome Compare(
        DateTimeOffset? knownUpdatedAt, string? knownHash, int knownRestrictiveness,
        DateTimeOffset incomingUpdatedAt, string incomingHash, int incomingRestrictiveness)
    {
        if (knownUpdatedAt is not { } known)
        {
            return VersionOutcome.New;
        }

        return incomingUpdatedAt.CompareTo(known) switch
        {
            > 0 => VersionOutcome.Supersedes,
            < 0 => VersionOutcome.Stale,
            _ when string.Equals(knownHash, incomingHash, StringComparison.Ordinal) => VersionOutcome.Repeat,
            _ => incomingRestrictiveness.CompareTo(knownRestrictiveness) switch
            {
                > 0 => VersionOutcome.Supersedes,
                < 0 => VersionOutcome.Stale,
                _ => VersionOutcome.Conflict,
            },
        };
    }

    /// <summary>
    /// How much a version keeps back, for two versions at the same instant: a revoked consent (state revoked, or any
    /// revokedAt) over a declined one over anything else. <see cref="Privacy.ConsentDecider"/> ranks versions by it too.
    /// </summary>
    public static int Restrictiveness(RecordPayload payload) => payload switch
    {
        ConsentPayload { State: "revoked" } or ConsentPayload { RevokedAt: not null } => 2,
        ConsentPayload { State: "declined" } => 1,
        _ => 0,
    };
}
