using System.Text.RegularExpressions;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Commands;

public sealed partial class MapCommandTests
{
    [Fact]
    public async Task Mapping_the_samples_writes_the_golden_files_and_exits_0()
    {
        using var output = new TempDir();

        var run = await Cli.RunAsync("map", "--input", RepoPaths.Inbox, "--output", output.Path);

        Assert.Equal(0, run.ExitCode);
        var written = Directory.EnumerateFiles(output.Path).Select(Path.GetFileName).Order();
        Assert.Equal(Directory.EnumerateFiles(RepoPaths.Expected).Select(Path.GetFileName).Order(), written);
        foreach (var file in Directory.EnumerateFiles(output.Path))
        {
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Expected, Path.GetFileName(file))), File.ReadAllText(file));
        }
    }

    [Fact]
    public async Task The_summary_counts_records_and_resources_and_lists_what_is_held()
    {
        using var output = new TempDir();

        var run = await Cli.RunAsync("map", "-i", RepoPaths.Inbox, "-o", output.Path);

        Assert.Matches(@"Read 245 records from 20 files in .*: 240 current versions \(3 superseded, 1 repeats, 1 stale\), 0 invalid\.", run.Output);
        Assert.Matches(@"Wrote 27 patient Bundles and the Questionnaires", run.Output);
        Assert.Matches(@"  Patient\s+27\n", run.Output.ReplaceLineEndings("\n"));
        Assert.Contains("Held: 3 records", run.Output, StringComparison.Ordinal);
        Assert.Contains("record INT-2026-000131: held, waiting for form intake version 4", run.Output, StringComparison.Ordinal);
        Assert.Contains("Rejected: 0 records.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_records_are_listed_with_file_line_record_and_field_and_the_run_exits_1()
    {
        using var output = new TempDir();

        var run = await Cli.RunAsync("map", "--input", RepoPaths.Invalid, "--output", output.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("intakes.ndjson line 11 record INT-2026-900011: patient.dateOfBirth: must be a date YYYY-MM-DD", run.Output, StringComparison.Ordinal);
        Assert.Contains("sessions.csv row 3 (line 4) record SES-2026-900303: totalMg: must be a number", run.Output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.EnumerateFiles(output.Path, "p-*.json")); // the valid records still went through
    }

    [Fact]
    public async Task The_summary_never_shows_patient_data()
    {
        using var output = new TempDir();
        var inputs = Directory.EnumerateFiles(RepoPaths.Inbox).Concat(Directory.EnumerateFiles(RepoPaths.Invalid)).Select(File.ReadAllText);
        var mrns = inputs.SelectMany(text => MrnPattern().Matches(text).Select(m => m.Value)).ToHashSet();

        var valid = await Cli.RunAsync("map", "--input", RepoPaths.Inbox, "--output", output.Path);
        var invalid = await Cli.RunAsync("map", "--input", RepoPaths.Invalid, "--output", output.Path);

        Assert.NotEmpty(mrns);
        foreach (var mrn in mrns)
        {
            Assert.DoesNotContain(mrn, valid.Output + invalid.Output, StringComparison.Ordinal);
        }

        foreach (var name in new[] { "Alvarez", "Maria", "1984-07-19", "m.alvarez@example.com", "555-0142" })
        {
            Assert.DoesNotContain(name, valid.Output + invalid.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_inbox_is_a_usage_error()
    {
        var run = await Cli.RunAsync("map", "--input", "/nonexistent/inbox");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'/nonexistent/inbox' does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_configuration_value_is_a_usage_error_naming_its_key()
    {
        var run = await Cli.RunAsync("map", "--input", RepoPaths.Inbox, "--Adapter:Mapping:CanonicalBase=not a url");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Adapter:Mapping:CanonicalBase", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var run = await Cli.RunAsync("mop");

        Assert.Equal(2, run.ExitCode);
    }

    [GeneratedRegex("KWC-[0-9]{6}")]
    private static partial Regex MrnPattern();
}
