using BenchmarkDotNet.Attributes;
using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;

namespace FhirAdapter.Benchmarks;

/// <summary>FhirJson: serializing a patient's transaction Bundle (what map writes and sync sends) and parsing it back; the mean is per bundle.</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private const int Bundles = 20;
    private Bundle[] _bundles = [];
    private string[] _json = [];

    [GlobalSetup]
    public void Setup()
    {
        _bundles = Corpus.Take(Corpus.Instance.Mapping.Patients.Select(p => p.Bundle).ToList(), Bundles);
        _json = _bundles.Select(b => FhirJson.Serialize(b, pretty: false)).ToArray();
        Console.WriteLine($"// {Bundles} bundles: {_bundles.Sum(b => b.Entry.Count)} resources, {_json.Sum(j => j.Length)} chars compact");
    }

    [Benchmark(OperationsPerInvoke = Bundles)]
    public int SerializePretty() => _bundles.Sum(b => FhirJson.Serialize(b, pretty: true).Length);

    [Benchmark(OperationsPerInvoke = Bundles)]
    public int SerializeCompact() => _bundles.Sum(b => FhirJson.Serialize(b, pretty: false).Length);

    [Benchmark(OperationsPerInvoke = Bundles)]
    public int Parse() => _json.Sum(j => FhirJson.Parse<Bundle>(j).Entry.Count);
}
