using System.CommandLine;
using FhirAdapter.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// Runs a command inside a started host, so that configuration is validated on start like the service's:
/// a bad value ends the command with exit code 2 and a message naming the key.
/// </summary>
internal static class CommandHost
{
    public static async Task<int> RunAsync(
        ParseResult parse, TextWriter error, Func<IServiceProvider, Task<int>> command, CancellationToken cancellationToken,
        Action<IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration>? addServices = null)
    {
        IHost? host = null;
        try
        {
            // Building reads the logging options already: a bad value fails here, or at start.
            host = AdapterHost.BuildForCommand([.. parse.UnmatchedTokens], addServices);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ConfigurationErrors.FailuresOf(ex) is { } failures)
        {
            host?.Dispose();
            return await ConfigurationErrors.ReportAsync(error, failures).ConfigureAwait(false);
        }

        using (host)
        {
            try
            {
                using var scope = host.Services.CreateScope();
                return await command(scope.ServiceProvider).ConfigureAwait(false);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
