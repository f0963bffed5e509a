using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Search;

namespace FhirAdapter.Api.Tests;

public sealed class ParsingTests
{
    [Theory]
    [InlineData("system/Patient.rs", "Patient", true, true)]
    [InlineData("system/*.rs", "*", true, true)]
    [InlineData("system/*.read", "*", true, true)]
    [InlineData("system/Observation.r", "Observation", true, false)]
    [InlineData("system/Observation.s", "Observation", false, true)]
    public void Reads_SMART_v1_and_v2_system_scopes(string text, string type, bool read, bool search)
    {
        Assert.True(SmartScope.TryParse(text, out var scope));
        Assert.Equal((type, read, search), (scope.ResourceType, scope.Read, scope.Search));
        Assert.True(scope.IsReadOnly);
    }

    [Theory]
    [InlineData("patient/*.rs")]
    [InlineData("system/*.sr")]
    [InlineData("system/*.rx")]
    [InlineData("system/Observation.rs?category=laboratory")]
    [InlineData("system/observation.rs")]
    [InlineData("openid")]
    public void Refuses_what_is_not_a_system_scope(string text) => Assert.False(SmartScope.TryParse(text, out _));

    [Fact]
    public void A_wildcard_covers_a_type_and_rs_covers_r_but_not_write()
    {
        SmartScope.TryParse("system/*.rs", out var all);
        SmartScope.TryParse("system/Patient.r", out var patientRead);
        SmartScope.TryParse("system/Patient.cruds", out var patientWrite);
        Assert.True(all!.Covers(patientRead!));
        Assert.False(all.Covers(patientWrite!));
        Assert.False(patientRead!.Covers(all));
    }

    [Theory]
    [InlineData("2026", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("eq2026-03", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")]
    [InlineData("ge2026-03-20", "2026-03-20T00:00:00Z", null)]
    [InlineData("gt2026-03-20", "2026-03-21T00:00:00Z", null)]
    [InlineData("lt2026-03-20", null, "2026-03-20T00:00:00Z")]
    [InlineData("le2026-03-20", null, "2026-03-21T00:00:00Z")]
    [InlineData("gt2026-03-20T12:00:00+02:00", "2026-03-20T10:00:01Z", null)]
    [InlineData("le2026-03-20T12:00Z", null, "2026-03-20T12:01:00Z")]
    public void Reads_last_updated_at_its_precision(string value, string? from, string? before)
    {
        var range = DateRange.Parse([value], "_lastUpdated");
        Assert.Equal(from is null ? null : DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), range.From);
        Assert.Equal(before is null ? null : DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture), range.Before);
    }

    [Fact]
    public void Several_last_updated_values_intersect_and_a_bad_one_is_400()
    {
        var range = DateRange.Parse(["ge2026-01", "lt2026-03", "ge2026-02"], "_lastUpdated");
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), range.From);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), range.Before);
        Assert.Equal(400, Assert.Throws<FhirApiException>(() => DateRange.Parse(["2026-03-20T12:00:00"], "_lastUpdated")).Status);
        Assert.Equal(400, Assert.Throws<FhirApiException>(() => DateRange.Parse(["sa2026"], "_lastUpdated")).Status);
    }
}
