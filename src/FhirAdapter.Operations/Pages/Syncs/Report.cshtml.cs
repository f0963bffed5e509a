using FhirAdapter.Operations.Reports;
using FhirAdapter.Store;
using FhirAdapter.Store.Operations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FhirAdapter.Operations.Pages.Syncs;

/// <summary>One past sync's full report: every field the stored report has, including fields added later.</summary>
public sealed class ReportModel(ISyncReportStore reports) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public SyncRunReport? Run { get; private set; }

    public SyncReportView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Run = await reports.GetSyncReportAsync(Id, cancellationToken).ConfigureAwait(false);
        if (Run is null)
        {
            return NotFound();
        }

        View = SyncReportView.From(Run);
        return Page();
    }
}
