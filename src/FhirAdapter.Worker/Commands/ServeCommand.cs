using System.CommandLine;
using FhirAdapter.Worker.Hosting;
using Microsoft.AspNetCore.Builder;

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
                // Building reads some options already (logging, telemetry, the console's endpoints): a bad value fails here, or at start.
                app = AdapterHost.BuildService([.. parse.UnmatchedTokens]);
            }
            catch (Exception ex) when (ConfigurationErrors.FailuresOf(ex) is { } failures)
            {
                return await ConfigurationErrors.ReportAsync(error, failures).ConfigureAwait(false);
            }

            await using (app.ConfigureAwait(false))
            {
                try
                {
                    await app.RunAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ConfigurationErrors.FailuresOf(ex) is { } failures)
                {
                    return await ConfigurationErrors.ReportAsync(error, failures).ConfigureAwait(false);
                }
            }

            return AdapterCommandLine.Ok;
        });
    }
}
