using System.Text.Json.Nodes;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Commands;

/// <summary>validate: every sample validates and matches its golden file; broken input fails with a report a developer can act on.</summary>
public sealed class ValidateCommandTests
{
    [Fact]
    public async Task The_samples_validate_clean_and_match_the_golden_files()
    {
        var run = await Cli.RunAsync("validate", "--input", RepoPaths.Inbox, "--expected", RepoPaths.Expected);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches(@"Validated \d{4} resources in 28 Bundles .*: 0 errors, 0 warnings; compared with", run.Output);
        Assert.EndsWith("OK", run.Output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_invalid_samples_fail_with_file_record_and_field()
    {
        var run = await Cli.RunAsync("validate", "--input", RepoPaths.Invalid);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("intakes.ndjson line 11 record INT-2026-900011", run.Output, StringComparison.Ordinal);
        Assert.Contains("error: patient.dateOfBirth: must be a date YYYY-MM-DD", run.Output, StringComparison.Ordinal);
        Assert.Contains("no golden files compared", run.Output, StringComparison.Ordinal);
        Assert.EndsWith("FAILED", run.Output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sample_broken_on_purpose_fails_profile_validation_with_its_FHIRPath()
    {
        using var dir = new TempDir();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Inbox))
        {
            File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));
        }

        // A completed IV session without an end time: the Encounter has no period.end (kwc-enc-1) and the
        // infusion no end either, which the reader accepts but the clinic's profiles do not.
        var session = RecordJson.Example("session");
        session["recordId"] = "SES-2026-009998";
        session.Remove("endedAt");
        session.Remove("dischargedAt");
        session["dose"]!.AsObject().Remove("infusionMinutes");
        File.WriteAllText(Path.Combine(dir.Path, "zz-broken.ndjson"), session.ToJsonString() + "\n");

        var text = await Cli.RunAsync("validate", "--input", dir.Path);
        var json = await Cli.RunAsync("validate", "--input", dir.Path, "--format", "json");

        Assert.Equal(1, text.ExitCode);
        Assert.Matches(@"Encounter SES-2026-009998\n\s+error: Encounter[^\n]*kwc-enc-1", text.Output.ReplaceLineEndings("\n"));
        Assert.Matches(@"MedicationAdministration SES-2026-009998.administration\n\s+error: [^\n]*kwc-mad-1", text.Output.ReplaceLineEndings("\n"));
        var outcomes = JsonNode.Parse(json.Output)!["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        Assert.All(outcomes, o => Assert.Equal("OperationOutcome", (string?)o["resourceType"]));
        Assert.Contains(outcomes, o => o["issue"]!.AsArray().Any(i => (string?)i!["severity"] == "error" && i["expression"] is not null));
    }
}
