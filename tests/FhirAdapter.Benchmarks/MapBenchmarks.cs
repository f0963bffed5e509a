using BenchmarkDotNet.Attributes;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// Mapping (RecordMapper.MapPatient) per record kind, over the first <see cref="Patients"/> patients of the corpus.
/// The per-kind mappers are internal, so each variant maps every patient with the intake plus one other kind:
/// the cost of consents or sessions is that variant minus IntakeOnly. Forms: MapQuestionnaires.
/// </summary>
[MemoryDiagnoser]
public class MapBenchmarks
{
    private const int Patients = 50;
    private IReadOnlyList<ClinicRecord>[] _intakes = [];
    private IReadOnlyList<ClinicRecord>[] _withConsents = [];
    private IReadOnlyList<ClinicRecord>[] _withSessions = [];
    private IReadOnlyList<ClinicRecord>[] _all = [];
    private string[] _mrns = [];

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Corpus.Instance;
        var patients = corpus.ByPatient.Where(p => p.Any(r => r.Kind == RecordKind.Intake)).Take(Patients).ToArray();
        _mrns = patients.Select(p => p[0].PatientMrn!).ToArray();
        _intakes = patients.Select(p => (IReadOnlyList<ClinicRecord>)p.Where(r => r.Kind == RecordKind.Intake).ToList()).ToArray();
        _withConsents = patients.Select(p => (IReadOnlyList<ClinicRecord>)p.Where(r => r.Kind is RecordKind.Intake or RecordKind.Consent).ToList()).ToArray();
        _withSessions = patients.Select(p => (IReadOnlyList<ClinicRecord>)p.Where(r => r.Kind is RecordKind.Intake or RecordKind.Session).ToList()).ToArray();
        _all = patients;
        Console.WriteLine($"// {patients.Length} patients: {_intakes.Sum(p => p.Count)} intakes, "
            + $"{_withConsents.Sum(p => p.Count) - _intakes.Sum(p => p.Count)} consents, "
            + $"{_withSessions.Sum(p => p.Count) - _intakes.Sum(p => p.Count)} sessions, {_all.Sum(p => p.Count)} records; "
            + $"{corpus.Forms.Count} forms");
    }

    [Benchmark(OperationsPerInvoke = Patients)]
    public int IntakeOnly() => Map(_intakes);

    [Benchmark(OperationsPerInvoke = Patients)]
    public int IntakeAndConsents() => Map(_withConsents);

    [Benchmark(OperationsPerInvoke = Patients)]
    public int IntakeAndSessions() => Map(_withSessions);

    [Benchmark(OperationsPerInvoke = Patients)]
    public int AllRecords() => Map(_all);

    [Benchmark]
    public int Forms() => Corpus.Instance.Mapper.MapQuestionnaires(Corpus.Instance.Forms, [])?.Entry.Count ?? 0;

    private int Map(IReadOnlyList<ClinicRecord>[] patients)
    {
        var corpus = Corpus.Instance;
        var entries = 0;
        for (var i = 0; i < patients.Length; i++)
            entries += corpus.Mapper.MapPatient(_mrns[i], patients[i], corpus.FormLookup).Bundle?.Bundle.Entry.Count ?? 0;
        return entries;
    }
}
