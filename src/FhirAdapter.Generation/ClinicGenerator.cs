using System.Globalization;
using System.Text.RegularExpressions;
using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>
/// Writes a synthetic inbox of a ketamine &amp; wellness clinic to a folder, in the formats of its practice
/// system's records (the contract in shared/clinic-export): forms, intakes, consents and sessions in a real
/// clinic's proportions, with late intakes, revocations, superseding updates, repeats and a small share of
/// deliberately invalid records.
/// The same options give byte-identical files. Patients are written one at a time into batches of
/// bounded size, so memory stays flat however many patients there are. All data is fictional.
/// </summary>
public sealed partial class ClinicGenerator
{
    /// <summary>The tab-separated list of deliberately invalid records, beside the batches (the inbox reader skips it).</summary>
    public const string InvalidRecordsFile = "invalid-records.tsv";

    private readonly ClinicGeneratorOptions _options;

    public ClinicGenerator(ClinicGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Writes the inbox into <paramref name="outputDirectory"/>, first removing files an earlier run of ours left there.</summary>
    public GenerationSummary Generate(string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        RemoveEarlierOutput(outputDirectory);

        var batches = (_options.Patients + _options.PatientsPerBatch - 1) / _options.PatientsPerBatch;
        var width = Math.Max(4, (batches + 1).ToString(CultureInfo.InvariantCulture).Length);
        string Prefix(int batchNumber) => batchNumber.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');

        var counts = new GenerationCounts();
        var files = new List<GeneratedFile>();
        using var manifest = new InvalidManifest(Path.Combine(outputDirectory, InvalidRecordsFile));

        var formsFile = $"{Prefix(0)}_forms.json";
        using (var stream = new FileStream(Path.Combine(outputDirectory, formsFile), FileMode.Create, FileAccess.Write))
        {
            var forms = FormCatalog.Write(stream, "BOCA", ClinicClock.At(_options.StartDate.AddDays(-14), 9 * 60));
            counts.Written(RecordKind.Form, forms);
            files.Add(new GeneratedFile(formsFile, forms));
        }

        var patients = new PatientGenerator(_options, counts, manifest);
        var deferred = new List<DeferredRecord>();
        // One batch more than the patients need, when the last one left follow-ups to deliver.
        for (var batchNumber = 1; batchNumber <= batches || deferred.Count > 0; batchNumber++)
        {
            var next = new List<DeferredRecord>();
            var batch = new InboxBatch(outputDirectory, Prefix(batchNumber), CsvColumns(batchNumber), counts);
            try
            {
                foreach (var record in deferred)
                {
                    batch.Update(record.Kind, record.Json);
                }

                var first = ((batchNumber - 1) * _options.PatientsPerBatch) + 1;
                var last = Math.Min(batchNumber * _options.PatientsPerBatch, _options.Patients);
                for (var number = first; number <= last; number++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    patients.Generate(number, IntakeDay(number), batch, next);
                }
            }
            finally
            {
                batch.Dispose();
            }

            files.AddRange(batch.Files());
            deferred = next;
        }

        return new GenerationSummary
        {
            OutputDirectory = outputDirectory,
            Patients = _options.Patients,
            Seed = _options.Seed,
            Files = files,
            RecordsByKind = new Dictionary<RecordKind, int>(counts.Records),
            InvalidRecords = manifest.Count,
            InvalidByMapping = manifest.ByMapping,
            Corrections = counts.Corrections,
            Courses = counts.Courses,
            LateIntakes = counts.LateIntakes,
            Revocations = counts.Revocations,
            SessionUpdates = counts.SessionUpdates,
            Withdrawals = counts.Withdrawals,
            Repeats = counts.Repeats,
        };
    }

    /// <summary>The patient's intake day: so many new patients a clinic day (Monday to Saturday) from the start date.</summary>
    private DateOnly IntakeDay(int number)
    {
        var clinicDay = (number - 1) / _options.NewPatientsPerDay;
        var day = ClinicClock.OpenOnOrAfter(_options.StartDate).AddDays(clinicDay / 6 * 7);
        for (var i = 0; i < clinicDay % 6; i++)
        {
            day = ClinicClock.OpenOnOrAfter(day.AddDays(1));
        }

        return day;
    }

    /// <summary>Every third batch's CSV has its columns in another order and an extra column, as the practice system's files do.</summary>
    private IReadOnlyList<string> CsvColumns(int batchNumber)
    {
        if (batchNumber % 3 != 0)
        {
            return SessionDraft.CsvColumns;
        }

        var dice = new Dice(Dice.SeedFor(_options.Seed, batchNumber, salt: 1));
        var columns = SessionDraft.CsvColumns.Append("chair").ToList();
        for (var i = columns.Count - 1; i > 0; i--)
        {
            var j = dice.Between(0, i);
            (columns[i], columns[j]) = (columns[j], columns[i]);
        }

        return columns;
    }

    private static void RemoveEarlierOutput(string directory)
    {
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (OurFile().IsMatch(name) || name == InvalidRecordsFile)
            {
                File.Delete(path);
            }
        }
    }

    [GeneratedRegex(@"^\d{4,}_(forms|consents|intakes|sessions|updates)\.(json|ndjson|csv)$")]
    private static partial Regex OurFile();
}
