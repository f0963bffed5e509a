using FhirAdapter.Core.Reading;

namespace FhirAdapter.Core.Tests.Reading;

public sealed class RecordSetTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 2, 14, 5, 0, TimeSpan.FromHours(-5));

    private static ClinicRecord Form(string id, int minutes, string hash) =>
        new(RecordKind.Form, id, T.AddMinutes(minutes), RecordStatus.Active, null,
            new FormPayload("f", "1", "t", "active", null, null, []), new SourceLocation($"{hash}.json")) { ContentHash = hash };

    [Fact]
    public void Records_arriving_out_of_order_leave_the_latest_version_current()
    {
        var set = new RecordSet();

        set.Add(Form("F-1", 10, "new"));
        set.Add(Form("F-1", 0, "old"));
        set.Add(Form("F-1", 10, "new"));

        Assert.Equal("new", Assert.Single(set.Records).ContentHash);
        Assert.Equal((1, 1, 3), (set.Stale, set.Repeats, set.Read));
    }

    [Fact]
    public void A_later_version_supersedes()
    {
        var set = new RecordSet();

        set.Add(Form("F-1", 0, "old"));
        set.Add(Form("F-1", 5, "new"));

        Assert.Equal("new", Assert.Single(set.Records).ContentHash);
        Assert.Equal(1, set.Superseded);
    }

    [Fact]
    public void Two_contents_with_one_updatedAt_are_a_conflict_and_the_first_is_kept()
    {
        var set = new RecordSet();
        set.Add(Form("F-1", 0, "first"));

        var (outcome, error) = set.Add(Form("F-1", 0, "second"));

        Assert.Equal(VersionOutcome.Conflict, outcome);
        Assert.Equal("updatedAt", error!.Field);
        Assert.Contains("first.json", error.Message, StringComparison.Ordinal);
        Assert.Equal("first", Assert.Single(set.Records).ContentHash);
    }
}
