using System.CommandLine;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Exchange.Options;
using FhirAdapter.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// <c>resend --destination NAME (--patient MRN | --all)</c>: after an EHR lost or purged data, or once the cause of a
/// rejection was fixed there, send again at the next sync. The store forgets what the destination held; the writes
/// stay conditional on the identifiers, so what the EHR still has is updated, never duplicated.
/// </summary>
internal static class ResendCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var destination = new Option<string>("--destination") { Description = "The destination's configured name.", Required = true };
        var patient = new Option<string?>("--patient") { Description = "One patient's MRN." };
        var all = new Option<bool>("--all") { Description = "Every patient (and the Questionnaires and shared resources)." };
        var command = new Command("resend", "Send a patient's (or everyone's) data again to a destination at the next sync.") { destination, patient, all };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(patient) is null == !parse.GetValue(all))
            {
                await error.WriteLineAsync("resend needs either --patient MRN or --all.").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            return await CommandHost.RunAsync(parse, error, async services =>
            {
                var name = parse.GetValue(destination)!;
                if (services.GetRequiredService<IOptions<ExchangeOptions>>().Value.Find(name) is not { } configured)
                {
                    await error.WriteLineAsync($"No destination named '{name}' is configured (Adapter:Destinations:N:Name).").ConfigureAwait(false);
                    return AdapterCommandLine.UsageError;
                }

                var key = parse.GetValue(patient) is { } mrn ? services.GetRequiredService<RecordMapper>().PatientKey(mrn) : null;
                var queued = await services.GetRequiredService<IAdapterStore>().ResendAsync(configured.Name, key, ct).ConfigureAwait(false);
                if (key is not null && queued == 0)
                {
                    await error.WriteLineAsync($"Patient {key} has no mapped data to send.").ConfigureAwait(false);
                    return AdapterCommandLine.Failures;
                }

                output.WriteLine(key is null
                    ? $"Queued {queued} patients for {configured.Name}: everything goes again at the next sync (run: sync --once)."
                    : $"Queued patient {key} for {configured.Name}: their data goes again at the next sync (run: sync --once).");
                return AdapterCommandLine.Ok;
            }, ct).ConfigureAwait(false);
        });
        return command;
    }
}
