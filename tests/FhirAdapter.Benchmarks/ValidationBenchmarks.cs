using BenchmarkDotNet.Attributes;
using Hl7.Fhir.Model;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// Warm validation (the validator is loaded and its profiles compiled before measuring) per resource type:
/// <see cref="Sample"/> resources of the type, one after the other; the mean is per resource.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private const int Sample = 16;
    private Resource[] _resources = [];

    [Params("Patient", "Condition", "Consent", "QuestionnaireResponse", "Observation", "Encounter", "Practitioner", "DocumentReference",
        "MedicationAdministration", "EpisodeOfCare", "Provenance", "Questionnaire")]
    public string ResourceType { get; set; } = "";

    /// <summary>Firely alone (FastPath=False, the baseline), or the fast path (Adapter:Validation:FastPath) falling back to Firely.</summary>
    [Params(false, true)]
    public bool FastPath { get; set; }

    private FhirAdapter.Validation.FhirResourceValidator Validator => FastPath ? Corpus.FastValidator : Corpus.FirelyValidator;

    [GlobalSetup]
    public void Setup()
    {
        var all = Corpus.Instance.Resources.Where(r => r.TypeName == ResourceType).ToList();
        Console.WriteLine($"// {ResourceType}: {all.Count} in the corpus");
        _resources = Corpus.Take(all, Sample);
        _ = Validator.Validate(_resources[0]);
    }

    [Benchmark(OperationsPerInvoke = Sample)]
    public int Validate()
    {
        var issues = 0;
        foreach (var resource in _resources)
            issues += Validator.Validate(resource).Issue.Count;
        return issues;
    }
}

/// <summary>A mixed batch (the corpus's resources in bundle order): one Validate after another vs ValidateAll on all cores.</summary>
[MemoryDiagnoser]
public class ValidateAllBenchmarks
{
    private const int Batch = 64;
    private Resource[] _resources = [];

    [GlobalSetup]
    public void Setup()
    {
        _resources = Corpus.Take(Corpus.Instance.Resources.ToList(), Batch);
        _ = Corpus.Validator.ValidateAll(_resources);
        Console.WriteLine($"// {Batch} resources: {string.Join(", ", _resources.GroupBy(r => r.TypeName).Select(g => $"{g.Count()} {g.Key}"))}; {Environment.ProcessorCount} processors");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int ValidateOneByOne()
    {
        var issues = 0;
        foreach (var resource in _resources)
            issues += Corpus.Validator.Validate(resource).Issue.Count;
        return issues;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int ValidateAll() => Corpus.Validator.ValidateAll(_resources).Sum(o => o.Issue.Count);
}
