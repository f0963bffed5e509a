using FhirAdapter.Core.Privacy;
using FhirAdapter.Testing;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Validation.Tests;

/// <summary>
/// The validator reaches into Firely to keep compiled slice-discriminator paths between runs (SchemaRun), and its
/// schemas remember the values that passed a required binding (BindingMemo). These tests hold it to Firely's own
/// result on Firely's own schemas, resource by resource, valid and broken, and notice when a Firely upgrade takes a
/// shortcut away.
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class SchemaRunTests(ValidatorFixture fixture)
{
    [Fact]
    public void Every_golden_resource_valid_or_broken_gets_the_outcome_Firelys_own_validator_gives()
    {
        var resources = GoldenResources().ToList();
        var broken = resources.Select(Break).ToList();
        var differences = new List<string>();
        var errorsSeen = 0;

        // The valid ones twice, so that the second time and the broken copies meet bindings that remember successes.
        foreach (var resource in resources.Concat(resources).Concat(broken))
        {
            var firely = fixture.Validator.ValidateSchemaOnly(resource, throughFirelysValidator: true);
            var ours = fixture.Validator.ValidateSchemaOnly(resource, throughFirelysValidator: false);
            if (firely.ToJson() != ours.ToJson())
                differences.Add($"{resource.TypeName}/{resource.Id}");
            errorsSeen += firely.Issue.Count(i => i.Severity == OperationOutcome.IssueSeverity.Error);
        }

        Assert.True(resources.Count > 500, $"only {resources.Count} golden resources");
        Assert.Empty(differences);
        Assert.True(errorsSeen > broken.Count, "the broken copies should fail, most of them more than once");
        Assert.True(SchemaRun.UsesPathCache, "Firely's internal path cache is out of reach: validation works, but slower (see SchemaRun)");
    }

    [Fact]
    public void A_broken_slice_is_reported_the_same_on_the_first_and_the_hundredth_run()
    {
        var patient = Samples.Patient();
        patient.Identifier.Clear();
        var first = fixture.Validator.Validate(patient).ToJson();

        for (var i = 0; i < 100; i++)
            fixture.Validator.Validate(Samples.Patient());

        Assert.Contains("mrn", first, StringComparison.Ordinal);
        Assert.Equal(first, fixture.Validator.Validate(patient).ToJson());
    }

    private static IEnumerable<Resource> GoldenResources() =>
        Directory.EnumerateFiles(RepoPaths.Expected, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(f => new FhirJsonDeserializer().Deserialize<Resource>(File.ReadAllText(f)))
            .SelectMany(r => r is Bundle b ? b.Entry.Select(e => e.Resource!) : [r]);

    /// <summary>A copy with every code misspelt (bindings and code-discriminated slices fail) and no identifiers.</summary>
    private static Resource Break(Resource resource)
    {
        var copy = (Resource)resource.DeepCopy();
        foreach (var coding in FhirElements.Descendants(copy).OfType<Coding>())
            coding.Code = "x-" + coding.Code;
        foreach (var identifiers in FhirElements.Descendants(copy).OfType<Identifier>().ToList())
            identifiers.Value = null;
        return copy;
    }

}
