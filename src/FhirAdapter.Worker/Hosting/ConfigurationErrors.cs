using FhirAdapter.Worker.Commands;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Hosting;

/// <summary>
/// A bad configuration as the user sees it, from a command or the service alike: one line per key at fault and exit
/// code 2, no stack trace. Binding and validation throw <see cref="OptionsValidationException"/>; the host's start
/// validation gathers several options classes' in an <see cref="AggregateException"/>.
/// </summary>
internal static class ConfigurationErrors
{
    /// <summary>The failures that <paramref name="exception"/> reports, or null when it is not about configuration only.</summary>
    public static IReadOnlyList<string>? FailuresOf(Exception? exception) => exception switch
    {
        OptionsValidationException one => [.. one.Failures],
        AggregateException { InnerExceptions: { Count: > 0 } all } when all.All(e => e is OptionsValidationException) =>
            [.. all.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => null,
    };

    /// <summary>Writes each failure on a line of its own; returns the usage error's exit code.</summary>
    public static async Task<int> ReportAsync(TextWriter error, IReadOnlyList<string> failures)
    {
        foreach (var failure in failures)
        {
            await error.WriteLineAsync(failure).ConfigureAwait(false);
        }

        return AdapterCommandLine.UsageError;
    }
}
