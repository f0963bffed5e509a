using FhirAdapter.Core.Privacy;
using FhirAdapter.Core.Reading;
using static FhirAdapter.Core.Tests.Privacy.ConsentTestData;

namespace FhirAdapter.Core.Tests.Reading;

public sealed class VersionRulesTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 2, 14, 5, 0, TimeSpan.FromHours(-5));

    [Theory]
    [InlineData(null, "a", 0, "a", VersionOutcome.New)]
    [InlineData(0, "a", 1, "b", VersionOutcome.Supersedes)]
    [InlineData(0, "a", 0, "a", VersionOutcome.Repeat)]
    [InlineData(0, "a", 0, "b", VersionOutcome.Conflict)]
    [InlineData(1, "a", 0, "a", VersionOutcome.Stale)]
    public void Compare_applies_the_envelope_rules(int? knownMinutes, string knownHash, int incomingMinutes, string incomingHash, VersionOutcome expected)
    {
        var known = knownMinutes is { } k ? T.AddMinutes(k) : (DateTimeOffset?)null;

        Assert.Equal(expected, VersionRules.Compare(known, knownHash, 0, T.AddMinutes(incomingMinutes), incomingHash, 0));
    }

    [Fact]
    public void The_same_instant_in_another_offset_is_the_same_version()
    {
        Assert.Equal(VersionOutcome.Repeat, VersionRules.Compare(T, "a", 0, T.ToUniversalTime(), "a", 0));
    }

    [Theory]
    [InlineData(0, 2, VersionOutcome.Supersedes)] // a revocation after the signed version
    [InlineData(2, 0, VersionOutcome.Stale)] // the signed version after the revocation
    [InlineData(0, 1, VersionOutcome.Supersedes)]
    [InlineData(1, 2, VersionOutcome.Supersedes)]
    [InlineData(2, 1, VersionOutcome.Stale)]
    [InlineData(2, 2, VersionOutcome.Conflict)]
    public void At_the_same_instant_the_more_restrictive_version_wins_and_equals_conflict(int known, int incoming, VersionOutcome expected)
    {
        Assert.Equal(expected, VersionRules.Compare(T, "a", known, T, "b", incoming));
    }

    [Fact]
    public void A_later_version_supersedes_and_an_earlier_one_is_stale_however_restrictive()
    {
        Assert.Equal(VersionOutcome.Supersedes, VersionRules.Compare(T, "a", 2, T.AddMinutes(1), "b", 0));
        Assert.Equal(VersionOutcome.Stale, VersionRules.Compare(T, "a", 0, T.AddMinutes(-1), "b", 2));
    }

    [Fact]
    public async Task Revoked_is_more_restrictive_than_declined_than_signed_and_other_kinds_rank_as_signed()
    {
        var read = await ReadAsync(
            Consent(),
            Consent().With("state", "declined"),
            Consent().With("state", "revoked").With("revokedAt", "2026-03-20T07:30:00-04:00"),
            Consent().With("revokedAt", "2026-03-20T07:30:00-04:00"));
        var form = (await ReadAsync(RecordJson.Example("form"))).Single();

        Assert.Equal([0, 1, 2, 2], read.Select(r => VersionRules.Restrictiveness(r.Payload)));
        Assert.Equal(0, VersionRules.Restrictiveness(form.Payload));
    }

    [Theory]
    [InlineData("revoked", true)]
    [InlineData("revoked", false)]
    [InlineData("declined", true)]
    [InlineData("declined", false)]
    public async Task A_revocation_or_refusal_with_the_signed_versions_updatedAt_becomes_current_in_either_order_and_denies(string state, bool restrictiveFirst)
    {
        var signed = Consent();
        var restrictive = Consent().With("state", state);
        if (state == "revoked")
        {
            restrictive = restrictive.With("revokedAt", "2026-03-09T07:30:00-04:00");
        }

        var read = await ReadAsync(restrictiveFirst ? [restrictive, signed] : [signed, restrictive]);
        Assert.Equal(read[0].UpdatedAt, read[1].UpdatedAt);
        Assert.NotEqual(read[0].ContentHash, read[1].ContentHash);
        var set = new RecordSet();

        var outcomes = read.Select(r => set.Add(r)).ToList();

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(state, Assert.Single(set.Records).As<ConsentPayload>().State);
        Assert.Equal([VersionOutcome.New, restrictiveFirst ? VersionOutcome.Stale : VersionOutcome.Supersedes], outcomes.Select(o => o.Outcome));
        Assert.False(ConsentDecider.Decide(set.Records, "pbpca", DisclosurePurpose.Treatment, Now).IsPermitted);
        Assert.True(ConsentDecider.Decide(read.Where(r => r.As<ConsentPayload>().State == "signed"), "pbpca", DisclosurePurpose.Treatment, Now).IsPermitted);
    }
}
