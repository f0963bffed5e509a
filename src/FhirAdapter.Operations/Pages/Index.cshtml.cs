using FhirAdapter.Operations.Sync;
using FhirAdapter.Store;
using FhirAdapter.Store.Operations;
using FhirAdapter.Store.Runs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Operations.Pages;

/// <summary>Now: the running sync with live progress and "sync now", the store's counts, the last syncs.</summary>
public sealed class IndexModel(
    ISyncControl control, IAdapterStore store, ISyncReportStore reports, IOptions<ConsoleOptions> options, SyncSettings settings, ILogger<IndexModel> logger)
    : PageModel
{
    public SyncActivity Activity { get; private set; } = SyncActivity.Idle;

    public StoreSummary Summary { get; private set; } = null!;

    public IReadOnlyList<SyncRunReport> Runs { get; private set; } = [];

    public string Schedule => settings.Schedule;

    public string? Message { get; private set; }

    public async Task OnGetAsync(string? sync, CancellationToken cancellationToken)
    {
        Message = sync switch
        {
            "started" => "Sync started: its progress shows below.",
            "busy" => "A sync is already running on this instance: it was not started twice.",
            _ => null,
        };
        Activity = control.Current;
        Summary = await store.GetSummaryAsync(settings.HeldWarningAfter, cancellationToken).ConfigureAwait(false);
        Runs = await reports.GetSyncReportsAsync(options.Value.SyncHistory, cancellationToken).ConfigureAwait(false);
    }

    public IActionResult OnPostSyncNow()
    {
        var who = User.Identity?.Name ?? "this machine (no operator yet)";
        var started = control.TryStartNow(who);
        if (started)
        {
            Log.SyncRequested(logger, who);
        }

        return RedirectToPage("/Index", new { sync = started ? "started" : "busy" });
    }

    public static string OutcomeClass(SyncRunOutcome? outcome) => outcome switch
    {
        SyncRunOutcome.Succeeded => "ok",
        SyncRunOutcome.CompletedWithErrors => "warn",
        SyncRunOutcome.Failed => "bad",
        _ => "",
    };

    public static string OutcomeText(string outcome) => outcome switch
    {
        nameof(SyncRunOutcome.CompletedWithErrors) => "Completed with errors",
        _ => outcome,
    };
}
