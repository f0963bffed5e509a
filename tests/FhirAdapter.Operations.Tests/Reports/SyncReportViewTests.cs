using FhirAdapter.Operations.Reports;
using FhirAdapter.Store.Operations;
using FhirAdapter.Store.Runs;

namespace FhirAdapter.Operations.Tests.Reports;

public sealed class SyncReportViewTests
{
    private static SyncRunReport Run(string json) =>
        new(new SyncRun(7, "host:1:ab", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(3), SyncRunOutcome.Succeeded, SyncRunCounts.None), json);

    [Fact]
    public void A_field_added_to_the_report_later_shows_under_a_label_made_from_its_name()
    {
        var view = SyncReportView.From(Run("""{"Sent":5,"ConflictsPending":2,"RejectedByDestination":[{"Destination":"pbpca","Count":1}]}"""))!;

        var fields = view.Fields();

        Assert.Equal(["Sent", "ConflictsPending", "RejectedByDestination"], fields.Select(f => f.Name));
        Assert.Equal("Conflicts pending", fields[1].Label);
        Assert.Equal(["2"], fields[1].Lines);
        Assert.Equal(["Destination: pbpca, Count: 1"], fields[2].Lines);
        Assert.Equal(2, view.Count("ConflictsPending"));
        Assert.Equal(0, view.Count("NotThere"));
    }

    [Fact]
    public void A_run_without_a_stored_report_has_no_view() => Assert.Null(SyncReportView.From(Run(null!)));
}
