using BenchmarkDotNet.Attributes;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Privacy;

namespace FhirAdapter.Benchmarks;

/// <summary>ConsentDecider.Decide for one patient's records, one organization and purpose; the mean is per decision.</summary>
[MemoryDiagnoser]
public class ConsentBenchmarks
{
    private const int Decisions = 64;
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private IReadOnlyList<ClinicRecord>[] _patients = [];

    [Params("pbpca", "bhn")]
    public string Organization { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _patients = Corpus.Take(Corpus.Instance.ByPatient.Where(p => p.Any(r => r.Kind == RecordKind.Consent)).ToList(), Decisions);
        var permits = _patients.Count(p => ConsentDecider.Decide(p, Organization, DisclosurePurpose.Treatment, Now).IsPermitted);
        Console.WriteLine($"// {Organization}: {permits} of {Decisions} decisions permit; {_patients.Sum(p => p.Count)} records");
    }

    [Benchmark(OperationsPerInvoke = Decisions)]
    public int Decide()
    {
        var permits = 0;
        foreach (var records in _patients)
        {
            if (ConsentDecider.Decide(records, Organization, DisclosurePurpose.Treatment, Now).IsPermitted)
                permits++;
        }

        return permits;
    }
}
