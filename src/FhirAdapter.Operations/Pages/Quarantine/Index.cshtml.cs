using FhirAdapter.Core.Reading;
using FhirAdapter.Operations.Quarantine;
using FhirAdapter.Store;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Quarantine;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Operations.Pages.Quarantine;

/// <summary>Quarantine and held records: each record's reason, file and line, how long it has waited; retry one or all.</summary>
public sealed class IndexModel(IAdapterStore store, IQuarantineRetry retry, IConfiguration configuration, TimeProvider time, ILogger<IndexModel> logger) : PageModel
{
    private const int Shown = 500;

    public IReadOnlyList<QuarantinedRecord> Quarantined { get; private set; } = [];

    public IReadOnlyList<HeldRow> Held { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public TimeSpan HeldWarningAfter => ConsoleSettings.HeldWarningAfter(configuration);

    [TempData]
    public string? RetryMessages { get; set; }

    public IReadOnlyList<string> Messages => RetryMessages is null ? [] : RetryMessages.Split('\n');

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Quarantined = await store.ListQuarantineAsync(Shown, cancellationToken);
        var held = await store.GetHeldAsync(null, cancellationToken);
        var rows = new List<HeldRow>();
        foreach (var h in held.OrderBy(h => h.HeldSince).Take(Shown))
        {
            var record = await store.GetCurrentRecordAsync(h.Kind, h.RecordId, cancellationToken);
            rows.Add(new HeldRow(h, record?.Source));
        }

        Held = rows;
    }

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken cancellationToken)
    {
        var entry = await store.GetQuarantinedAsync(id, cancellationToken);
        RetryMessages = entry is null ? $"#{id}: no longer quarantined." : await RetryAsync([entry], cancellationToken);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRetryAllAsync(CancellationToken cancellationToken)
    {
        var entries = await store.ListQuarantineAsync(int.MaxValue, cancellationToken);
        RetryMessages = entries.Count == 0 ? "Nothing was quarantined." : await RetryAsync(entries, cancellationToken);
        return RedirectToPage();
    }

    private async Task<string> RetryAsync(IReadOnlyList<QuarantinedRecord> entries, CancellationToken cancellationToken)
    {
        Log.Retried(logger, User.Identity?.Name ?? "local", string.Join(",", entries.Select(e => e.Id)));
        var lines = new List<string>();
        foreach (var entry in entries)
        {
            var outcome = await retry.RetryAsync(entry, cancellationToken);
            lines.Add($"#{entry.Id}{(entry.RecordId is null ? "" : $" record {entry.RecordId}")}: {outcome.Message}");
        }

        return string.Join('\n', lines);
    }

    public sealed record HeldRow(HeldState State, SourceLocation? Source);
}
