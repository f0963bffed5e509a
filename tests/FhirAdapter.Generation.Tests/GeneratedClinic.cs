using FhirAdapter.Core.Reading;
using FhirAdapter.Generation;
using FhirAdapter.Core.Mapping;

namespace FhirAdapter.Generation.Tests;

/// <summary>One generated clinic of 2,000 patients, read back and mapped once for all the tests that look at it.</summary>
public sealed class GeneratedClinic : IAsyncLifetime
{
    public const int PatientCount = 2000;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "fhiradapter-gen-" + Guid.NewGuid().ToString("N"));

    public GenerationSummary Summary { get; private set; } = null!;

    /// <summary>Every item read, in reading order, with the file it came from.</summary>
    public List<ReadItem> Items { get; } = [];

    /// <summary>The current versions, as the map command would keep them (built from <see cref="Items"/>, to read once).</summary>
    public RecordSet Records { get; } = new();

    /// <summary>Version conflicts met while adding the records (there should be none).</summary>
    public List<RecordError> Conflicts { get; } = [];

    public MappingResult Mapping { get; private set; } = null!;

    public List<InvalidRow> Invalid { get; private set; } = [];

    public sealed record InvalidRow(string File, int Position, string RecordId, string Kind, string Stage, string Defect);

    public async Task InitializeAsync()
    {
        var options = new ClinicGeneratorOptions { Patients = PatientCount, Seed = 7, PatientsPerBatch = 400 };
        Summary = new ClinicGenerator(options).Generate(Directory);
        await foreach (var item in InboxReader.ReadDirectoryAsync(Directory))
        {
            Items.Add(item);
            if (item.Record is { } record && Records.Add(record).Error is { } conflict)
            {
                Conflicts.Add(conflict);
            }
        }

        Mapping = new RecordMapper(new MappingOptions()).Map(Records.Records);
        Invalid = File.ReadLines(Path.Combine(Directory, ClinicGenerator.InvalidRecordsFile)).Skip(1)
            .Select(line => line.Split('\t'))
            .Select(c => new InvalidRow(c[0], int.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture), c[2], c[3], c[4], c[5]))
            .ToList();
    }

    public Task DisposeAsync()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>The position a reader error names, in the manifest's terms (NDJSON line, CSV row, JSON index).</summary>
    public static (string File, int Position) PositionOf(SourceLocation source) =>
        (source.File, source.Row ?? source.Line ?? source.Index ?? -1);
}
