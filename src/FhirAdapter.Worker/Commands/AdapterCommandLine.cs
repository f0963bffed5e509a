using System.CommandLine;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// The command line. Tokens it does not know (such as <c>--Adapter:Inbox=...</c>) are left for
/// configuration, the usual .NET way. Exit codes: 0 done, 1 done with rejected records or failures,
/// 2 usage error.
/// </summary>
internal static class AdapterCommandLine
{
    public const int Ok = 0;
    public const int Failures = 1;
    public const int UsageError = 2;

    public static RootCommand Build(TextWriter output, TextWriter error, TextReader? input = null)
    {
        var root = new RootCommand("FhirAdapter: maps the clinic's export to FHIR R4, validates it, and exchanges it with EHRs.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.Subcommands.Add(MapCommand.Create(output, error));
        root.Subcommands.Add(GenerateCommand.Create(output, error));
        root.Subcommands.Add(ValidateCommand.Create(output, error));
        root.Subcommands.Add(SyncCommand.Create(output, error));
        root.Subcommands.Add(RemapCommand.Create(output, error));
        root.Subcommands.Add(StatusCommand.Create(output, error));
        root.Subcommands.Add(QuarantineCommand.Create(output, error));
        root.Subcommands.Add(DisclosuresCommand.Create(output, error));
        root.Subcommands.Add(ClientsCommand.Create(output, error));
        root.Subcommands.Add(ResendCommand.Create(output, error));
        root.Subcommands.Add(OperatorsCommand.Create(output, error, input ?? Console.In));
        ServeCommand.Attach(root, error);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default, TextReader? input = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Build(output, error, input);
        var parse = root.Parse(args);
        if (args.Length > 0 && !args[0].StartsWith('-') && !root.Subcommands.Any(c => c.Name == args[0]))
        {
            // The root runs the service and leaves unknown tokens to configuration; a bare word is a mistyped command.
            await error.WriteLineAsync($"Unknown command '{args[0]}'. Run with --help for the commands.").ConfigureAwait(false);
            return UsageError;
        }

        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync(problem.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run with --help for usage.").ConfigureAwait(false);
            return UsageError;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }
}
