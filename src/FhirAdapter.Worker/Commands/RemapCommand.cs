using System.CommandLine;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// <c>remap --all</c>: maps and validates every stored patient again, now (after new profiles, a Firely upgrade or a
/// mapping change); what the current profiles reject is withdrawn and quarantined. Nothing is sent: the next sync
/// delivers what changed.
/// </summary>
internal static class RemapCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var all = new Option<bool>("--all") { Description = "Every stored patient and the Questionnaires." };
        var command = new Command("remap", "Map and validate every stored patient again against the current profiles.") { all };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!parse.GetValue(all))
            {
                await error.WriteLineAsync("remap needs --all (every stored patient).").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            return await CommandHost.RunAsync(parse, error, async services =>
            {
                var validator = services.GetRequiredService<ResourceValidator>();
                var (marked, counts) = await SyncProgressDisplay.RunAsync(async progress =>
                {
                    var marked = await services.GetRequiredService<Revalidation>().MarkAllAsync(progress, cancellationToken).ConfigureAwait(false);
                    var counts = await services.GetRequiredService<PatientRemapper>()
                        .RemapDirtyAsync(services.GetRequiredService<WorkerIdentity>().Owner, progress, cancellationToken).ConfigureAwait(false);
                    return (marked, counts);
                }, output, services.GetRequiredService<TimeProvider>()).ConfigureAwait(false);
                output.WriteLine($"Remapped {counts.Patients} patients ({marked} stored) against the profiles with fingerprint {validator.Fingerprint[..12]}:"
                    + $" {counts.Resources} resources, {counts.Unchanged} unchanged since the same profiles validated them.");
                output.WriteLine($"Invalid:   {counts.Invalid} resources fail the profiles: withdrawn from serving and sending, and quarantined (see: quarantine list).");
                output.WriteLine($"Held:      {counts.Held} records.");
                return counts.Invalid + counts.Rejected == 0 ? AdapterCommandLine.Ok : AdapterCommandLine.Failures;
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
