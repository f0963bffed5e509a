using FhirAdapter.Core.Reading;
using FhirAdapter.Generation;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// The data every benchmark works on: a generated clinic (seed 7), its files held in memory, read once with the
/// version rules applied, and mapped once. Built once per process, so in-process benchmarks share it.
/// </summary>
internal sealed class Corpus
{
    public const int Seed = 7;
    public const string Secret = "benchmark-patient-key-secret-0001";

    private static readonly Lazy<Corpus> Shared = new(() => Build(CorpusPatients()));
    private static readonly Lazy<FhirResourceValidator> SharedValidator = new(() => new FhirResourceValidator(new FhirValidationOptions()));
    private static readonly Lazy<FhirResourceValidator> SharedFirelyValidator = new(() => new FhirResourceValidator(new FhirValidationOptions { FastPath = false }));
    private static readonly Lazy<FhirResourceValidator> SharedFastValidator = new(() => new FhirResourceValidator(new FhirValidationOptions { FastPath = true, FastPathDoubleCheck = 0 }));

    private Corpus(IReadOnlyList<(string Name, byte[] Bytes)> files, IReadOnlyList<ClinicRecord> records, MappingResult mapping, RecordMapper mapper)
    {
        Files = files;
        Records = records;
        Mapping = mapping;
        Mapper = mapper;
        var forms = RecordMapper.CurrentForms(records.Where(r => r.Kind == RecordKind.Form), []);
        FormLookup = forms.ToDictionary(f => RecordMapper.FormKey(f.As<FormPayload>().FormId, f.As<FormPayload>().Version), StringComparer.Ordinal);
        Forms = forms;
        ByPatient = records.Where(r => r.PatientMrn is not null)
            .GroupBy(r => r.PatientMrn!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<ClinicRecord>)g.ToList())
            .ToList();
    }

    public static Corpus Instance => Shared.Value;

    /// <summary>The validator, loaded once per process (the benchmarks measure it warm).</summary>
    public static FhirResourceValidator Validator => SharedValidator.Value;

    /// <summary>Firely alone (the fast path off), loaded once per process.</summary>
    public static FhirResourceValidator FirelyValidator => SharedFirelyValidator.Value;

    /// <summary>The validator with the fast path on (no double check), loaded once per process.</summary>
    public static FhirResourceValidator FastValidator => SharedFastValidator.Value;

    public IReadOnlyList<(string Name, byte[] Bytes)> Files { get; }

    public IReadOnlyList<ClinicRecord> Records { get; }

    public IReadOnlyList<ClinicRecord> Forms { get; }

    public IReadOnlyDictionary<string, ClinicRecord> FormLookup { get; }

    /// <summary>Each patient's current records (MRN order).</summary>
    public IReadOnlyList<IReadOnlyList<ClinicRecord>> ByPatient { get; }

    public MappingResult Mapping { get; }

    public RecordMapper Mapper { get; }

    /// <summary>Every mapped resource of the patient bundles, then the Questionnaires.</summary>
    public IEnumerable<Resource> Resources =>
        Mapping.Patients.SelectMany(p => p.Bundle.Entry).Select(e => e.Resource)
            .Concat(Mapping.Questionnaires?.Entry.Select(e => e.Resource) ?? []).OfType<Resource>();

    /// <summary>Patients in the corpus: BENCH_PATIENTS, default 200 (small enough to build in a second or two).</summary>
    private static int CorpusPatients() =>
        int.TryParse(Environment.GetEnvironmentVariable("BENCH_PATIENTS"), out var n) && n > 0 ? n : 200;

    public static Corpus Build(int patients)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fhiradapter-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            new ClinicGenerator(new ClinicGeneratorOptions { Patients = patients, Seed = Seed }).Generate(dir);
            var files = InboxReader.ListFiles(dir).Select(f => (f, File.ReadAllBytes(Path.Combine(dir, f)))).ToList();
            var set = new RecordSet();
            foreach (var (name, bytes) in files)
            {
                foreach (var item in ReadAll(name, bytes))
                {
                    if (item.Record is { } record)
                        set.Add(record);
                }
            }

            var records = set.Records.ToList();
            var mapper = new RecordMapper(new MappingOptions { PatientKeySecret = Secret });
            return new Corpus(files, records, mapper.Map(records), mapper);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Reads one in-memory file synchronously (the reader is async; a MemoryStream completes at once).</summary>
    public static List<ReadItem> ReadAll(string name, byte[] bytes)
    {
        var items = new List<ReadItem>();
        var enumerator = InboxReader.ReadStreamAsync(new MemoryStream(bytes, writable: false), name).GetAsyncEnumerator();
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                items.Add(enumerator.Current);
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return items;
    }

    /// <summary><paramref name="count"/> items, cycling through <paramref name="source"/> when it holds fewer.</summary>
    public static T[] Take<T>(IReadOnlyList<T> source, int count)
    {
        if (source.Count == 0)
            throw new InvalidOperationException("The corpus holds no item of this kind.");
        return Enumerable.Range(0, count).Select(i => source[i % source.Count]).ToArray();
    }
}
