using System.CommandLine;
using FhirAdapter.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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
        using var host = AdapterHost.BuildForCommand([.. parse.UnmatchedTokens], addServices);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await error.WriteLineAsync(failure).ConfigureAwait(false);
            }

            return AdapterCommandLine.UsageError;
        }

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
