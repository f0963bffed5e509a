using System.CommandLine;
using FhirAdapter.Worker.Commands;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Commands;

public sealed class GenerateCommandTests
{
    [Fact]
    public async Task Generate_writes_the_records_and_a_summary_and_exits_0()
    {
        using var output = new TempDir();

        var run = await RunAsync("generate", "--patients", "120", "--seed", "7", "--output", output.Path, "--patients-per-batch", "50");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Generated 120 patients (seed 7) in " + output.Path, run.Output, StringComparison.Ordinal);
        Assert.Matches(@"  intake\s+1\d\d\n", run.Output.ReplaceLineEndings("\n"));
        Assert.Contains("invalid-records.tsv", run.Output, StringComparison.Ordinal);
        foreach (var name in new[] { "0000_forms.json", "0001_consents.json", "0001_intakes.ndjson", "0001_sessions.ndjson", "0002_updates.ndjson", "invalid-records.tsv" })
        {
            Assert.True(File.Exists(Path.Combine(output.Path, name)), name);
            Assert.Contains(name == "invalid-records.tsv" ? name : "  " + name, run.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("KWC-", run.Output, StringComparison.Ordinal); // counts and file names only
    }

    [Fact]
    public async Task The_same_seed_writes_the_same_files()
    {
        using var first = new TempDir();
        using var second = new TempDir();

        await RunAsync("generate", "-n", "60", "-s", "3", "-o", first.Path);
        await RunAsync("generate", "-n", "60", "-s", "3", "-o", second.Path);

        var names = Directory.EnumerateFiles(first.Path).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(names, Directory.EnumerateFiles(second.Path).Select(Path.GetFileName).Order());
        Assert.All(names, name => Assert.Equal(File.ReadAllBytes(Path.Combine(first.Path, name!)), File.ReadAllBytes(Path.Combine(second.Path, name!))));
    }

    [Fact]
    public async Task The_generated_records_map_with_the_map_command()
    {
        using var inbox = new TempDir();
        using var mapped = new TempDir();
        await RunAsync("generate", "-n", "40", "-o", inbox.Path, "--invalid-rate", "0");

        var run = await RunAsync("map", "--input", inbox.Path, "--output", mapped.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Wrote 40 patient Bundles", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("900000")]
    public async Task Too_few_or_too_many_patients_is_a_usage_error(string patients)
    {
        using var output = new TempDir();

        var run = await RunAsync("generate", "--patients", patients, "--output", output.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--patients must be between 1 and", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(output.Path));
    }

    [Fact]
    public async Task An_invalid_rate_outside_0_to_1_is_a_usage_error()
    {
        using var output = new TempDir();

        var run = await RunAsync("generate", "--output", output.Path, "--invalid-rate", "1.5");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--invalid-rate", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_date_is_the_day_of_the_first_intake()
    {
        using var output = new TempDir();

        var run = await RunAsync("generate", "-n", "5", "-o", output.Path, "--start-date", "2026-08-03", "--invalid-rate", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("2026-08-03", Intakes(output.Path)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_patients_per_day_fit_the_same_clinic_into_fewer_days()
    {
        using var slow = new TempDir();
        using var fast = new TempDir();

        await RunAsync("generate", "-n", "60", "-o", slow.Path, "--start-date", "2026-08-03", "--invalid-rate", "0", "--patients-per-day", "2");
        await RunAsync("generate", "-n", "60", "-o", fast.Path, "--start-date", "2026-08-03", "--invalid-rate", "0", "--patients-per-day", "30");

        Assert.True(string.CompareOrdinal(LastIntake(fast.Path), LastIntake(slow.Path)) < 0, $"{LastIntake(fast.Path)} is not before {LastIntake(slow.Path)}");
        Assert.StartsWith("2026-08-0", LastIntake(fast.Path), StringComparison.Ordinal); // 60 patients at 30 a day: two clinic days
    }

    [Fact]
    public async Task A_start_date_that_is_not_a_date_is_a_usage_error()
    {
        using var output = new TempDir();

        var run = await RunAsync("generate", "-n", "5", "-o", output.Path, "--start-date", "next monday");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--start-date", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(output.Path));
    }

    [Fact]
    public async Task A_missing_output_folder_option_is_a_usage_error()
    {
        var run = await RunAsync("generate", "--patients", "10");

        Assert.Equal(2, run.ExitCode);
    }

    /// <summary>The intakes' submittedAt values, earliest first (clinic-local date-times, so text order is date order).</summary>
    private static List<string> Intakes(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*_intakes.ndjson")
            .SelectMany(File.ReadLines)
            .Where(l => l.Length > 0)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("submittedAt").GetString()!)
            .Order(StringComparer.Ordinal)];

    private static string LastIntake(string folder) => Intakes(folder)[^1];

    /// <summary>
    /// Runs through the real command line once <c>generate</c> is registered there; until then through
    /// a root holding only this command, with the same rule that a parse error is exit code 2.
    /// </summary>
    private static async Task<Cli.Run> RunAsync(params string[] args)
    {
        using var probe = new StringWriter();
        if (args[0] != "generate" || AdapterCommandLine.Build(probe, probe).Subcommands.Any(c => c.Name == "generate"))
        {
            return await Cli.RunAsync(args);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand("test") { GenerateCommand.Create(output, error) };
        var parse = root.Parse(args);
        var code = parse.Errors.Count > 0
            ? AdapterCommandLine.UsageError
            : await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new Cli.Run(code, output.ToString(), error.ToString());
    }
}
