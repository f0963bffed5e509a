using System.CommandLine;
using FhirAdapter.Worker.Delivery;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace FhirAdapter.Worker.Commands;

/// <summary><c>sync --once</c>: one pass of read → map → validate → store → deliver, then a report.</summary>
internal static class SyncCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var once = new Option<bool>("--once") { Description = "Run one sync pass and exit (for cron or the clinic's own scheduler)." };
        var command = new Command("sync", "Sync the inbox to the configured destinations.") { once };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!parse.GetValue(once))
            {
                await error.WriteLineAsync("sync needs --once; to sync on a schedule, run the service (no command).").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            return await CommandHost.RunAsync(parse, error, async services =>
            {
                // New profiles since the last sync: what is stored under the old ones is validated again in this pass.
                var stale = await services.GetRequiredService<Revalidation>().MarkValidatedElsewhereAsync(cancellationToken).ConfigureAwait(false);
                if (stale > 0)
                {
                    output.WriteLine($"New profiles (validation fingerprint): {stale} stored patients are mapped and validated again.");
                }

                var report = await SyncProgressDisplay.RunAsync(services.GetRequiredService<ISyncRunner>(), output, services.GetRequiredService<TimeProvider>(), cancellationToken)
                    .ConfigureAwait(false);
                Print(output, report);
                return report.Succeeded ? AdapterCommandLine.Ok : AdapterCommandLine.Failures;
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static void Print(TextWriter output, SyncReport report)
    {
        var total = report.Destinations.Aggregate(new DestinationReport("all"), (sum, d) => sum.Add(d));
        output.WriteLine($"Sync finished in {(report.Finished - report.Started).TotalSeconds:0.0} s.");
        output.WriteLine($"Read:      {report.RecordsRead} records from {report.FilesRead} new or changed files; {report.RecordsRejected} quarantined"
            + (report.QuarantineCleared > 0 ? $"; {report.QuarantineCleared} quarantine entries cleared" : "")
            + (report.FilesNotComplete > 0 ? $"; {report.FilesNotComplete} files not complete yet, read at the next sync." : "."));
        output.WriteLine($"Mapped:    {report.PatientsMapped} patients; {report.ResourcesInvalid} resources failed validation; {report.RecordsHeld} records held;"
            + $" {report.ResourcesUnchanged} resources unchanged (their validation stands).");
        output.WriteLine($"Sent:      {report.Sent} resources; {total.Unchanged} unchanged at their destination, not sent again; {total.Withdrawn} withdrawn.");
        output.WriteLine($"Waiting:   {report.WaitingForRetry} resources wait for the next sync ({total.Conflicts} of them conflicts); {total.Blocked} blocked by a rejection.");
        output.WriteLine($"Withheld:  {report.Withheld} resources not covered by the patient's consent for that organization; {total.NotPermitted} patients not permitted.");
        output.WriteLine($"Rejected:  {report.Rejected} resources rejected by a destination.");
        foreach (var problem in report.Problems)
        {
            output.WriteLine($"  {problem}");
        }

        foreach (var d in report.Destinations)
        {
            output.WriteLine($"To {d.Destination}: {d.Sent} sent, {d.Unchanged} unchanged, {d.WaitingForRetry} waiting, {d.Conflicts} conflicts, {d.Rejected} rejected,"
                + $" {d.Blocked} blocked, {d.Withheld} withheld, {d.Withdrawn} withdrawn; {d.NotPermitted} patients not permitted"
                + (d.Backfilled > 0 ? $"; backfilled: {d.Backfilled} patients queued (new to the store, or its address or organization changed)." : "."));
        }

        if (report.RecordsRejected + report.ResourcesInvalid > 0)
        {
            output.WriteLine("See them with: quarantine list");
        }
    }
}
