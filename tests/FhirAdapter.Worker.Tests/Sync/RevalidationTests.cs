using System.Text.Json.Nodes;
using FhirAdapter.Store.Search;
using FhirAdapter.Testing;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// New profiles (a new validation fingerprint) are applied to what is already stored: the next sync (as the service at
/// start) notices the new fingerprint and validates every stored resource again, as <c>remap --all</c> does on demand, and one the new profiles reject is withdrawn (no longer valid, so neither served nor sent)
/// and quarantined with the validator's reason; once profiles accept it again, it is served again and its entry clears.
/// </summary>
public sealed class RevalidationTests
{
    [Fact]
    public async Task After_a_profile_is_tightened_the_next_sync_withdraws_what_it_rejects_and_after_it_is_relaxed_remap_all_restores_it()
    {
        using var setup = TickInbox.Create();
        var synced = await Cli.RunAsync(setup.Args("sync", "--once"));
        Assert.True(synced.ExitCode == 0, synced.Output + synced.Error);

        // The clinic's package, with the Patient profile now requiring a photo, which no mapped Patient has.
        var profiles = Path.Combine(setup.Root, "profiles");
        Directory.CreateDirectory(profiles);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "profiles")))
        {
            File.Copy(file, Path.Combine(profiles, Path.GetFileName(file)));
        }

        var patientProfile = Path.Combine(profiles, "StructureDefinition-kwc-patient.json");
        var definition = JsonNode.Parse(File.ReadAllText(patientProfile))!.AsObject();
        definition["differential"]!["element"]!.AsArray().Add(new JsonObject { ["id"] = "Patient.photo", ["path"] = "Patient.photo", ["min"] = 1 });
        File.WriteAllText(patientProfile, definition.ToJsonString());

        // The next sync runs with the new package: it notices the new fingerprint and validates everything stored again.
        var resync = await Cli.RunAsync([.. setup.Args("sync", "--once"), $"--Adapter:Validation:ProfilesPath={profiles}"]); // (the last value wins)

        Assert.True(resync.ExitCode == 1, resync.Output + resync.Error);
        Assert.Contains("New profiles (validation fingerprint): 8 stored patients are mapped and validated again.", resync.Output, StringComparison.Ordinal);
        Assert.Contains("Mapped:    7 patients; 7 resources failed validation", resync.Output, StringComparison.Ordinal);
        await using var worker = new InProcessWorker(setup.Configuration, TimeProvider.System);
        var query = ResourceQueries.From(worker.Store);
        var patients = await query.SearchAsync(new ResourceSearch { ResourceType = "Patient", IncludeInvalid = true }, CancellationToken.None);
        Assert.Equal(7, patients.Count);
        Assert.All(patients, p => Assert.False(p.Resource.Validation.IsValid));
        Assert.Empty(await query.SearchAsync(new ResourceSearch { ResourceType = "Patient" }, CancellationToken.None)); // what the API serves
        var encounters = await query.SearchAsync(new ResourceSearch { ResourceType = "QuestionnaireResponse" }, CancellationToken.None);
        Assert.NotEmpty(encounters);
        Assert.All(encounters, e => Assert.True(e.Resource.Validation.IsValid)); // the rest of the record stands
        var quarantined = await worker.Store.ListQuarantineAsync(100, CancellationToken.None);
        Assert.Equal(7, quarantined.Count(q => q.Reason.StartsWith("the mapped Patient does not conform to the clinic's profiles", StringComparison.Ordinal)
            && q.Reason.Contains("photo", StringComparison.OrdinalIgnoreCase)));

        // The constraint is dropped again (the clinic's own package): the Patients are valid and their entries clear themselves.
        var back = await Cli.RunAsync(setup.Args("remap", "--all"));

        Assert.True(back.ExitCode == 0, back.Output + back.Error);
        Assert.Contains("Invalid:   0 resources", back.Output, StringComparison.Ordinal);
        Assert.Equal(7, (await query.SearchAsync(new ResourceSearch { ResourceType = "Patient" }, CancellationToken.None)).Count);
        Assert.DoesNotContain(await worker.Store.ListQuarantineAsync(100, CancellationToken.None), q => q.Reason.StartsWith("the mapped Patient", StringComparison.Ordinal));
    }
}
