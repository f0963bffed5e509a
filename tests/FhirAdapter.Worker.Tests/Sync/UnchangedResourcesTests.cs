using System.Text.RegularExpressions;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// A patient remapped because one record changed keeps the outcome of every resource that came out exactly as before
/// (the same validator judged the same JSON), and only the rest is validated again; a changed package judges all again.
/// </summary>
public sealed partial class UnchangedResourcesTests
{
    private static readonly string[] FirstExport = ["2026-01-05_forms.json", "2026-02-02_consents.json", "2026-02-02_intakes.ndjson", "2026-02-02_sessions.ndjson"];

    [Fact]
    public async Task A_patient_remapped_for_one_new_session_is_validated_only_where_its_resources_changed()
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        setup.KeepOnly(FirstExport);

        var first = await Cli.RunAsync(setup.Args("sync", "--once"));
        setup.Arrive("2026-03-02_sessions.ndjson");
        var second = await Cli.RunAsync(setup.Args("sync", "--once"));

        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        Assert.Equal(0, Unchanged(first)); // nothing was stored before
        Assert.True(second.ExitCode == 0, second.Output + second.Error);
        var (patients, unchanged) = (Mapped(second), Unchanged(second));
        Assert.True(patients > 0, second.Output);
        Assert.True(unchanged > 0, second.Output); // the remapped patients' intake, consents and earlier sessions
        Assert.Contains("0 resources failed validation", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_change_to_the_profiles_package_every_remapped_resource_is_validated_again()
    {
        using var setup = new SyncSetup(serverBaseUrl: null);
        setup.KeepOnly(FirstExport);
        var profiles = Path.Combine(setup.Root, "profiles");
        Directory.CreateDirectory(profiles);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(FhirAdapter.Testing.RepoPaths.Root, "profiles")))
            File.Copy(file, Path.Combine(profiles, Path.GetFileName(file)));
        string[] withProfiles = [.. setup.Args("sync", "--once"), $"--Adapter:Validation:ProfilesPath={profiles}"];

        await Cli.RunAsync(withProfiles);
        var valueSet = Path.Combine(profiles, "ValueSet-kwc-route.json");
        File.WriteAllText(valueSet, File.ReadAllText(valueSet).Replace("medication by.", "medication with.", StringComparison.Ordinal));
        setup.Arrive("2026-03-02_sessions.ndjson");
        var second = await Cli.RunAsync(withProfiles);

        Assert.True(second.ExitCode == 0, second.Output + second.Error);
        Assert.True(Mapped(second) > 0, second.Output);
        Assert.Equal(0, Unchanged(second));
    }

    private static int Mapped(Cli.Run run) => int.Parse(MappedLine().Match(run.Output).Groups["patients"].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static int Unchanged(Cli.Run run) => int.Parse(MappedLine().Match(run.Output).Groups["unchanged"].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Mapped:\s+(?<patients>\d+) patients;.* (?<unchanged>\d+) resources unchanged")]
    private static partial Regex MappedLine();
}
