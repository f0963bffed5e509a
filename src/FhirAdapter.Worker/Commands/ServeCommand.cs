using System.CommandLine;
using FhirAdapter.Worker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Commands;

/// <summary>No command: run the service (sync on the schedule, serve /health and the FHIR API) until stopped.</summary>
internal static class ServeCommand
{
    public static void Attach(RootCommand root, TextWriter error)
    {
        root.SetAction(async (parse, cancellationToken) =>
        {
            var app = AdapterHost.BuildService([.. parse.UnmatchedTokens]);
            await using (app.ConfigureAwait(false))
            {
                try
                {
                    await app.RunAsync().ConfigureAwait(false);
                }
                catch (OptionsValidationException ex)
                {
                    foreach (var failure in ex.Failures)
                    {
                        await error.WriteLineAsync(failure).ConfigureAwait(false);
                    }

                    return AdapterCommandLine.UsageError;
                }
            }

            return AdapterCommandLine.Ok;
        });
    }
}
