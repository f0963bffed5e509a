using FhirAdapter.Core.Reading;

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

        Assert.Equal(expected, VersionRules.Compare(known, knownHash, T.AddMinutes(incomingMinutes), incomingHash));
    }

    [Fact]
    public void The_same_instant_in_another_offset_is_the_same_version()
    {
        Assert.Equal(VersionOutcome.Repeat, VersionRules.Compare(T, "a", T.ToUniversalTime(), "a"));
    }
}
