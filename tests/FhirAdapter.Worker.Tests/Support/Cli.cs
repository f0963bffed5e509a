using FhirAdapter.Worker.Commands;

namespace FhirAdapter.Worker.Tests.Support;

/// <summary>Runs the command line in-process and captures what a user would see.</summary>
internal static class Cli
{
    public sealed record Run(int ExitCode, string Output, string Error);

    public static async Task<Run> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AdapterCommandLine.RunAsync(args, output, error);
        return new Run(code, output.ToString(), error.ToString());
    }
}
