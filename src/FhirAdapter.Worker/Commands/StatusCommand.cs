using System.CommandLine;
using System.Globalization;
using FhirAdapter.Store;
using FhirAdapter.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Commands;

/// <summary><c>status</c>: what is stored, pending, held and quarantined, per destination, and how the last sync went.</summary>
internal static class StatusCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("status", "Show stored, pending, held and quarantined counts and the last sync.");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => CommandHost.RunAsync(parse, error, async services =>
        {
            var store = services.GetRequiredService<IAdapterStore>();
            var heldWarning = services.GetRequiredService<IOptions<WorkerOptions>>().Value.HeldWarningAfter;
            var summary = await store.GetSummaryAsync(heldWarning, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"Store ({store.Provider}): {summary.CurrentRecords} current records, {summary.DirtyPatients} patients waiting to be mapped.");
            output.WriteLine($"Held: {summary.Held} records wait for their patient's intake or their form.");
            if (summary.HeldTooLong > 0)
            {
                output.WriteLine($"WARNING: {summary.HeldTooLong} records have been held for more than {heldWarning.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} days: check that their intake or form was exported.");
            }

            output.WriteLine($"Quarantined: {summary.Quarantined} records (see: quarantine list).");
            output.WriteLine(summary.Deliveries.Count == 0 ? "Destinations: none configured or nothing queued yet." : "Destination          pending       sent   rejected  withheld");
            foreach (var d in summary.Deliveries)
            {
                output.WriteLine($"{d.Destination,-18} {d.Pending,9} {d.Sent,10} {d.Rejected,10} {d.Cancelled,9}");
            }

            output.WriteLine(summary.LastRun is { } run
                ? $"Last sync: started {run.StartedAt:u}, {(run.FinishedAt is { } f ? $"finished {f:u}" : "not finished")}, {run.Outcome?.ToString() ?? "running"}: "
                  + $"{run.Counts.RecordsRead} records read, {run.Counts.RecordsMapped} patients mapped, {run.Counts.RecordsDelivered} resources delivered, {run.Counts.RecordsRejected} rejected."
                : "Last sync: never.");
            return AdapterCommandLine.Ok;
        }, cancellationToken));
        return command;
    }
}
