using System.CommandLine;
using System.Globalization;
using FhirAdapter.Store;
using FhirAdapter.Store.Delivery;
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
            output.WriteLine(summary.Deliveries.Count == 0 ? "Destinations: none configured or nothing queued yet." : "Destinations (pending and not permitted: patients; the rest: resources):");
            if (summary.Deliveries.Count > 0)
            {
                output.WriteLine("destination          pending  not-permitted       sent    waiting  conflicts   rejected    blocked   withheld  withdrawn");
            }

            foreach (var d in summary.Deliveries)
            {
                output.WriteLine($"{d.Destination,-18} {d.PendingPatients,9} {d.NotPermittedPatients,14} {d.Sent,10} {d.WaitingForRetry,10} {d.Conflicts,10}"
                    + $" {d.Rejected,10} {d.Blocked,10} {d.Withheld,10} {d.Withdrawn,10}");
            }

            foreach (var d in summary.Deliveries.Where(d => d.Rejected + d.Conflicts > 0))
            {
                foreach (var state in await store.ListDeliveriesAsync(d.Destination, DeliveryStatus.Rejected, ListedProblems, cancellationToken).ConfigureAwait(false))
                {
                    output.WriteLine($"  {d.Destination}: rejected {Describe(state)}: {state.Reason}");
                }

                foreach (var state in await store.ListDeliveriesAsync(d.Destination, DeliveryStatus.Conflict, ListedProblems, cancellationToken).ConfigureAwait(false))
                {
                    output.WriteLine($"  {d.Destination}: conflict {Describe(state)}: {state.Reason}");
                }
            }

            output.WriteLine(summary.LastRun is { } run
                ? $"Last sync: started {run.StartedAt:u}, {(run.FinishedAt is { } f ? $"finished {f:u}" : "not finished")}, {run.Outcome?.ToString() ?? "running"}: "
                  + $"{run.Counts.RecordsRead} records read, {run.Counts.RecordsMapped} patients mapped, {run.Counts.RecordsDelivered} resources delivered, {run.Counts.RecordsRejected} rejected."
                : "Last sync: never.");
            return AdapterCommandLine.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>Rejections and conflicts listed per destination (the counts say how many there are in all).</summary>
    private const int ListedProblems = 20;

    /// <summary>A resource for the listing: type and identifier value, the Patient by its key (its identifier is the MRN).</summary>
    private static string Describe(DeliveryState state) => state.ResourceType == "Patient"
        ? $"the Patient of {state.PatientKey}"
        : $"{state.ResourceType} {state.Identifier[(state.Identifier.LastIndexOf('|') + 1)..]}";
}
