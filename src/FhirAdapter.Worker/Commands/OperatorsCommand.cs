using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FhirAdapter.Operations.Auth;
using FhirAdapter.Store;
using FhirAdapter.Store.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// <c>operators add NAME --role operator|privacy [--password-stdin] | list | remove NAME</c>: who may sign in to the
/// console. The password is asked for on the terminal without echo (twice), or read from the first line of standard
/// input for scripts; only its PBKDF2 hash is stored.
/// </summary>
internal static partial class OperatorsCommand
{
    public static Command Create(TextWriter output, TextWriter error, TextReader input)
    {
        var name = new Argument<string>("name") { Description = "The operator's sign-in name (letters, digits, . _ @ -)." };
        var role = new Option<string>("--role") { Description = "operator (operational pages, no patient data) or privacy (also patient pages).", Required = true };
        role.AcceptOnlyFromAmong("operator", "privacy");
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (for scripts)." };
        var add = new Command("add", "Add an operator who may sign in to the console.") { name, role, passwordStdin };
        add.TreatUnmatchedTokensAsErrors = false;
        add.SetAction(async (parse, ct) =>
        {
            var who = parse.GetValue(name)!;
            if (!ValidName().IsMatch(who))
            {
                await error.WriteLineAsync("The name must be 1 to 64 letters, digits or . _ @ - characters.").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            var password = parse.GetValue(passwordStdin) || Console.IsInputRedirected || !ReferenceEquals(input, Console.In)
                ? await input.ReadLineAsync(ct).ConfigureAwait(false)
                : AskTwice(output, error);
            var problem = password is null ? "No password given." : OperatorPasswords.Problem(password);
            if (problem is not null)
            {
                await error.WriteLineAsync(problem).ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            return await CommandHost.RunAsync(parse, error, async services =>
            {
                var account = new OperatorAccount(who, parse.GetValue(role) == "privacy" ? OperatorRole.Privacy : OperatorRole.Operator,
                    OperatorPasswords.Hash(password!), 0, null, services.GetRequiredService<TimeProvider>().GetUtcNow(), null);
                if (!await services.GetRequiredService<IOperatorStore>().AddOperatorAsync(account, ct).ConfigureAwait(false))
                {
                    await error.WriteLineAsync($"An operator named {who} exists already (remove it first to change its role or password).").ConfigureAwait(false);
                    return AdapterCommandLine.Failures;
                }

                output.WriteLine($"Added {who} ({parse.GetValue(role)}). Sign in at the console's address (http://127.0.0.1:5080/ on the defaults).");
                return AdapterCommandLine.Ok;
            }, ct).ConfigureAwait(false);
        });

        var list = new Command("list", "List the operators, their roles and lockouts.");
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction((parse, ct) => CommandHost.RunAsync(parse, error, async services =>
        {
            var operators = await services.GetRequiredService<IOperatorStore>().ListOperatorsAsync(ct).ConfigureAwait(false);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            output.WriteLine(operators.Count == 0
                ? "No operators: the console is open to this machine only, without patient data. Add one with: operators add NAME --role operator|privacy"
                : $"{operators.Count} operators.");
            foreach (var o in operators)
            {
                var state = o.LockedUntil is { } until && until > now ? $"locked out until {until.ToString("u", CultureInfo.InvariantCulture)}" : "active";
                var last = o.LastSignInAt is { } at ? at.ToString("u", CultureInfo.InvariantCulture) : "never";
                output.WriteLine($"  {o.Name,-24} {o.Role.ToString().ToLowerInvariant(),-9} {state}; last sign-in {last}");
            }

            return AdapterCommandLine.Ok;
        }, ct));

        var removeName = new Argument<string>("name") { Description = "The operator to remove." };
        var remove = new Command("remove", "Remove an operator (signed-in sessions end at their next request).") { removeName };
        remove.TreatUnmatchedTokensAsErrors = false;
        remove.SetAction((parse, ct) => CommandHost.RunAsync(parse, error, async services =>
        {
            var who = parse.GetValue(removeName)!;
            if (!await services.GetRequiredService<IOperatorStore>().RemoveOperatorAsync(who, ct).ConfigureAwait(false))
            {
                await error.WriteLineAsync($"No operator named {who}.").ConfigureAwait(false);
                return AdapterCommandLine.Failures;
            }

            output.WriteLine($"Removed {who}.");
            return AdapterCommandLine.Ok;
        }, ct));

        return new Command("operators", "Who may sign in to the web console.") { add, list, remove };
    }

    /// <summary>Asks on the terminal, echoing nothing, and asks again to catch a typo.</summary>
    private static string? AskTwice(TextWriter output, TextWriter error)
    {
        var first = Ask(output, "Password: ");
        var second = Ask(output, "Again:    ");
        if (!string.Equals(first, second, StringComparison.Ordinal))
        {
            error.WriteLine("The two passwords differ.");
            return null;
        }

        return first;
    }

    private static string Ask(TextWriter output, string prompt)
    {
        output.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                output.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex ValidName();
}
