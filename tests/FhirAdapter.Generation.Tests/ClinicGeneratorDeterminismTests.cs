using System.Text.Json;
using FhirAdapter.Generation;

namespace FhirAdapter.Generation.Tests;

public sealed class ClinicGeneratorDeterminismTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fhiradapter-gen-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void The_same_seed_gives_byte_identical_files()
    {
        var first = Generate("a", seed: 7);
        var second = Generate("b", seed: 7);

        Assert.Equal(first.Files, second.Files);
        Assert.Equal(JsonSerializer.Serialize(first with { OutputDirectory = "" }), JsonSerializer.Serialize(second with { OutputDirectory = "" }));
        foreach (var name in first.Files.Select(f => f.Name).Append(ClinicGenerator.InvalidRecordsFile))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "a", name)), File.ReadAllBytes(Path.Combine(_root, "b", name)));
        }
    }

    [Fact]
    public void Different_seeds_give_different_records()
    {
        Generate("a", seed: 7);
        Generate("b", seed: 8);

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(_root, "a", "0001_intakes.ndjson")), File.ReadAllBytes(Path.Combine(_root, "b", "0001_intakes.ndjson")));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(_root, "a", "0001_sessions.ndjson")), File.ReadAllBytes(Path.Combine(_root, "b", "0001_sessions.ndjson")));
    }

    [Fact]
    public void A_patient_is_the_same_whatever_the_size_of_the_run()
    {
        Generate("small", seed: 5, patients: 20, perBatch: 1000);
        Generate("large", seed: 5, patients: 300, perBatch: 1000);

        var small = File.ReadLines(Path.Combine(_root, "small", "0001_intakes.ndjson")).Where(l => l.Length > 0).ToList();
        var large = File.ReadLines(Path.Combine(_root, "large", "0001_intakes.ndjson")).Where(l => l.Length > 0).Take(small.Count);
        Assert.Equal(small, large);
    }

    [Fact]
    public void Files_are_bounded_by_the_patients_per_batch()
    {
        var summary = Generate("a", seed: 1, patients: 250, perBatch: 50);

        Assert.Equal(["0000_forms.json", "0001_consents.json", "0001_intakes.ndjson"], summary.Files.Select(f => f.Name).Take(3));
        Assert.Contains(summary.Files, f => f.Name == "0005_intakes.ndjson");
        Assert.All(summary.Files, f => Assert.InRange(f.Records, 1, 50 * 2 * CourseBuilderMax));
        Assert.All(summary.Files.Where(f => f.Name.EndsWith("_intakes.ndjson", StringComparison.Ordinal)), f => Assert.InRange(f.Records, 1, 50));
    }

    [Fact]
    public void A_second_run_replaces_the_files_of_the_first()
    {
        Generate("a", seed: 1, patients: 200, perBatch: 50);
        File.WriteAllText(Path.Combine(_root, "a", "notes.txt"), "kept");

        var summary = Generate("a", seed: 1, patients: 50, perBatch: 100);

        var names = Directory.EnumerateFiles(Path.Combine(_root, "a")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(summary.Files.Select(f => f.Name).Append(ClinicGenerator.InvalidRecordsFile).Append("notes.txt").Order(), names);
    }

    [Fact]
    public void Invalid_records_can_be_turned_off()
    {
        var summary = Generate("a", seed: 2, patients: 100, invalidRate: 0);

        Assert.Equal(0, summary.InvalidRecords);
        Assert.Equal(0, summary.Corrections);
        Assert.Single(File.ReadAllLines(Path.Combine(_root, "a", ClinicGenerator.InvalidRecordsFile)));
    }

    [Theory]
    [InlineData(0, 0.005)]
    [InlineData(ClinicGeneratorOptions.MaxPatients + 1, 0.005)]
    [InlineData(10, -0.1)]
    [InlineData(10, 1.1)]
    public void Options_out_of_range_are_refused(int patients, double invalidRate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClinicGenerator(new ClinicGeneratorOptions { Patients = patients, InvalidRate = invalidRate }));

    [Fact]
    public void Generation_can_be_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => new ClinicGenerator(new ClinicGeneratorOptions { Patients = 10 }).Generate(Path.Combine(_root, "c"), cancelled.Token));
    }

    private const int CourseBuilderMax = 16; // two courses of at most 8 sessions

    private GenerationSummary Generate(string folder, int seed, int patients = 150, int perBatch = 50, double invalidRate = 0.005) =>
        new ClinicGenerator(new ClinicGeneratorOptions { Patients = patients, Seed = seed, PatientsPerBatch = perBatch, InvalidRate = invalidRate })
            .Generate(Path.Combine(_root, folder));
}
