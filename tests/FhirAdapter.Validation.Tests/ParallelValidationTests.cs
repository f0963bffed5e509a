using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class ParallelValidationTests(ValidatorFixture fixture)
{
    /// <summary>A mix of valid and broken resources, each validated alone first to know the expected outcome.</summary>
    private static List<Resource> Workload()
    {
        var resources = new List<Resource>();
        for (var i = 0; i < 25; i++)
        {
            resources.AddRange(Samples.All.Values.Select(make => make()));
            var broken = Samples.TreatmentSession();
            broken.Period.End = null;
            resources.Add(broken);
            resources.Add(Samples.Score(Samples.CodeSystem("kwc-assessment"), "moaas", 9, "SES-TEST-1.score.moaas"));
        }

        return resources;
    }

    [Fact]
    public void Validating_in_parallel_gives_the_same_outcomes_as_one_at_a_time()
    {
        var resources = Workload();
        var sequential = resources.Select(r => fixture.Validator.Validate(r).ToJson()).ToList();

        // Callers' own threads, all hitting the shared validator at once.
        var parallel = new string[resources.Count];
        var threads = Enumerable.Range(0, 4).Select(worker => new Thread(() =>
        {
            for (var i = worker; i < resources.Count; i += 4)
                parallel[i] = fixture.Validator.Validate(resources[i]).ToJson();
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(sequential, parallel);
        Assert.Equal(sequential, fixture.Validator.ValidateAll(resources, maxDegreeOfParallelism: 4).Select(o => o.ToJson()));
        Assert.Contains(sequential, s => s.Contains("kwc-enc-1", StringComparison.Ordinal));
        Assert.Contains(sequential, s => s.Contains("kwc-score-4", StringComparison.Ordinal));
    }
}
