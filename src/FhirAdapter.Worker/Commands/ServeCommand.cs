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
            WebApplication app;
            try
            {
                // Building reads some options already (the console's endpoints): a bad value fails here, or at start.
                app = AdapterHost.BuildService([.. parse.UnmatchedTokens]);
            }
            catch (OptionsValidationException ex)
            {
                return await UsageErrorAsync(error, ex).ConfigureAwait(false);
            }

            await using (app.ConfigureAwait(false))
            {
                try
                {
                    await app.RunAsync().ConfigureAwait(false);
                }
                catch (OptionsValidationException ex)
                {
                    return await UsageErrorAsync(error, ex).ConfigureAwait(false);
                }
            }

            return AdapterCommandLine.Ok;
        });
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, OptionsValidationException ex)
    {
        foreach (var failure in ex.Failures)
        {
            await error.WriteLineAsync(failure).ConfigureAwait(false);
        }

        return AdapterCommandLine.UsageError;
    }
}
