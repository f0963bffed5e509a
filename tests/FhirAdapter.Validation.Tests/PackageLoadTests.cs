using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class PackageLoadTests(ValidatorFixture fixture)
{
    private static readonly string[] Profiles =
    [
        "kwc-patient", "kwc-treatment-session", "kwc-medication-administration", "kwc-medication", "kwc-consent-treatment",
        "kwc-consent-part2-disclosure", "kwc-questionnaire-response", "kwc-vital-signs", "kwc-score-observation",
    ];

    private static readonly string[] Extensions =
    [
        "pronouns", "signature-method", "education-topic", "attachment-sha256", "ready-to-leave",
        "course-session-number", "course-planned-sessions", "dose-per-kg", "session-phase", "scheduled-start",
    ];

    [Fact]
    public void The_package_manifest_is_read()
    {
        var package = fixture.Validator.Package;

        Assert.Equal("kwc.fhir.clinic", package.Name);
        Assert.Equal("0.1.0", package.Version);
        Assert.Equal("https://fhir.kwc.example", package.Canonical);
        Assert.Equal("profiles", Path.GetFileName(package.Directory));
    }

    [Fact]
    public void Every_profile_and_extension_is_loaded()
    {
        var loaded = fixture.Validator.Package.StructureDefinitions;

        foreach (var id in Profiles.Concat(Extensions))
            Assert.Contains(Samples.Profile(id), loaded);
        Assert.Contains("http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex", loaded);
    }

    [Fact]
    public void Every_structure_definition_gets_a_generated_snapshot()
    {
        var definitions = fixture.Validator.PackageStructureDefinitions;

        Assert.NotEmpty(definitions);
        Assert.All(definitions, sd =>
        {
            Assert.True(sd.HasSnapshot, $"{sd.Url} has no snapshot");
            Assert.True(sd.Snapshot.Element.Count > sd.Differential.Element.Count, $"{sd.Url}: the snapshot is not larger than the differential");
            Assert.All(sd.Snapshot.Element, e => Assert.False(string.IsNullOrEmpty(e.ElementId), $"{sd.Url}: {e.Path} has no id"));
        });
    }

    [Fact]
    public void The_package_files_are_differentials_only()
    {
        var directory = fixture.Validator.Package.Directory;

        foreach (var file in Directory.EnumerateFiles(directory, "StructureDefinition-*.json"))
            Assert.DoesNotContain("\"snapshot\"", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_local_code_system_has_an_all_codes_value_set()
    {
        var package = fixture.Validator.Package;

        foreach (var codeSystem in package.CodeSystems)
            Assert.Contains(codeSystem.Replace("/CodeSystem/", "/ValueSet/", StringComparison.Ordinal), package.ValueSets);
    }

    [Fact]
    public void Profiles_are_found_by_walking_up_and_a_missing_folder_is_a_clear_error()
    {
        Assert.Equal(fixture.Validator.Package.Directory, ProfilesLocator.ResolveProfilesPath(null));

        var missing = Path.Combine(Path.GetTempPath(), "no-such-profiles-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => ProfilesLocator.ResolveProfilesPath(missing));
        Assert.Contains("package.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_profile_fails_the_load_with_its_url()
    {
        var directory = Directory.CreateTempSubdirectory("kwc-profiles-");
        try
        {
            File.Copy(Path.Combine(fixture.Validator.Package.Directory, "package.json"), Path.Combine(directory.FullName, "package.json"));
            File.WriteAllText(Path.Combine(directory.FullName, "StructureDefinition-broken.json"), """
                {
                  "resourceType": "StructureDefinition", "id": "broken", "url": "https://fhir.kwc.example/StructureDefinition/broken",
                  "name": "Broken", "status": "draft", "kind": "resource", "abstract": false, "type": "Patient",
                  "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient", "derivation": "constraint",
                  "differential": { "element": [ { "id": "Patient.noSuchElement", "path": "Patient.noSuchElement", "min": 1 } ] }
                }
                """);

            var error = Assert.Throws<InvalidDataException>(() => new FhirResourceValidator(
                new FhirValidationOptions { ProfilesPath = directory.FullName, WarmUp = false }));

            Assert.Contains("https://fhir.kwc.example/StructureDefinition/broken", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_fingerprint_names_the_package_contents_and_the_options_not_the_folder()
    {
        var copy = Directory.CreateTempSubdirectory("kwc-profiles-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(fixture.Validator.Package.Directory, "*.json"))
                File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));
            var same = new FhirResourceValidator(new FhirValidationOptions { ProfilesPath = copy.FullName, WarmUp = false });
            var unredacted = new FhirResourceValidator(new FhirValidationOptions { ProfilesPath = copy.FullName, WarmUp = false, RedactValues = false });

            // One changed word in one ValueSet's description: a different package.
            var valueSet = Path.Combine(copy.FullName, "ValueSet-kwc-route.json");
            File.WriteAllText(valueSet, File.ReadAllText(valueSet).Replace("medication by.", "medication with.", StringComparison.Ordinal));
            var changed = new FhirResourceValidator(new FhirValidationOptions { ProfilesPath = copy.FullName, WarmUp = false });

            Assert.Equal(fixture.Validator.Fingerprint, same.Fingerprint);
            Assert.NotEqual(fixture.Validator.Fingerprint, unredacted.Fingerprint);
            Assert.NotEqual(fixture.Validator.Fingerprint, changed.Fingerprint);
            Assert.Matches("^[0-9a-f]{32}$", fixture.Validator.Fingerprint);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }
}
