using System.CommandLine;
using System.Globalization;
using FhirAdapter.Generation;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// <c>generate --patients N --seed S --output DIR [--invalid-rate R] [--start-date YYYY-MM-DD] [--patients-per-day N]</c>: writes a synthetic clinic's
/// records, as its practice system would (fictional patients), for load tests and demos, and prints what it wrote.
/// </summary>
internal static class GenerateCommand
{
    /// <summary>Above this many files the listing is grouped by kind of file, so the summary stays readable.</summary>
    private const int ListFilesUpTo = 30;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var defaults = new ClinicGeneratorOptions();
        var patients = new Option<int>("--patients", "-n") { Description = "How many patients to generate.", DefaultValueFactory = _ => defaults.Patients };
        var seed = new Option<int>("--seed", "-s") { Description = "The seed: the same seed gives the same files, byte for byte.", DefaultValueFactory = _ => defaults.Seed };
        var outputDir = new Option<string>("--output", "-o") { Description = "The folder to write the inbox to (files of an earlier run there are replaced).", Required = true };
        var invalidRate = new Option<double>("--invalid-rate") { Description = "Share of records made invalid on purpose (0 to 1).", DefaultValueFactory = _ => defaults.InvalidRate };
        var perBatch = new Option<int>("--patients-per-batch", "--patients-per-export") { Description = "Patients per batch (one set of files); bounds each file's size.", DefaultValueFactory = _ => defaults.PatientsPerBatch };
        // Consents mostly run for a year from signing: a clinic that started recently still has consents in force today.
        var startDate = new Option<DateOnly>("--start-date") { Description = "The day of the first intake (YYYY-MM-DD).", DefaultValueFactory = _ => defaults.StartDate };
        var perDay = new Option<int>("--patients-per-day") { Description = "New patients per clinic day (Monday to Saturday), across both sites.", DefaultValueFactory = _ => defaults.NewPatientsPerDay };
        var command = new Command("generate", "Write a synthetic clinic's records (fictional patients: forms, intakes, consents, sessions) into an inbox, for load tests and demos.")
        {
            patients, seed, outputDir, invalidRate, perBatch, startDate, perDay,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ClinicGeneratorOptions
            {
                Patients = parse.GetValue(patients),
                Seed = parse.GetValue(seed),
                InvalidRate = parse.GetValue(invalidRate),
                PatientsPerBatch = parse.GetValue(perBatch),
                StartDate = parse.GetValue(startDate),
                NewPatientsPerDay = parse.GetValue(perDay),
            };
            var problem = Problem(options);
            if (problem is not null)
            {
                await error.WriteLineAsync(problem).ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            var target = parse.GetValue(outputDir)!;
            var generator = new ClinicGenerator(options);
            var summary = await Task.Run(() => generator.Generate(target, cancellationToken), cancellationToken).ConfigureAwait(false);
            Write(output, summary);
            return AdapterCommandLine.Ok;
        });
        return command;
    }

    /// <summary>What is wrong with the options, in the command line's terms, or null.</summary>
    private static string? Problem(ClinicGeneratorOptions options) => options switch
    {
        { Patients: < 1 or > ClinicGeneratorOptions.MaxPatients } => $"--patients must be between 1 and {ClinicGeneratorOptions.MaxPatients}.",
        { InvalidRate: < 0 or > 1 } or { InvalidRate: double.NaN } => "--invalid-rate must be between 0 and 1.",
        { PatientsPerBatch: < 1 } => "--patients-per-batch must be at least 1.",
        { NewPatientsPerDay: < 1 } => "--patients-per-day must be at least 1.",
        _ => null,
    };

    private static void Write(TextWriter output, GenerationSummary summary)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c,
            $"Generated {summary.Patients:N0} patients (seed {summary.Seed}) in {summary.OutputDirectory}: {summary.TotalRecords:N0} records in {summary.Files.Count} files."));
        output.WriteLine("Records by kind:");
        foreach (var (kind, count) in summary.RecordsByKind)
        {
            output.WriteLine(string.Create(c, $"  {kind.ToString().ToLowerInvariant(),-10} {count,10:N0}"));
        }

        var byReader = summary.InvalidRecords - summary.InvalidByMapping;
        output.WriteLine(string.Create(c,
            $"Invalid on purpose: {summary.InvalidRecords:N0} records ({byReader:N0} rejected when read, each corrected in a later batch; "
            + $"{summary.InvalidByMapping:N0} rejected by the mapping), listed in {ClinicGenerator.InvalidRecordsFile}."));
        output.WriteLine(string.Create(c,
            $"Also: {summary.Courses:N0} courses, {summary.LateIntakes:N0} late intakes, {summary.Revocations:N0} revocations, "
            + $"{summary.SessionUpdates:N0} session updates, {summary.Withdrawals:N0} withdrawals, {summary.Repeats:N0} repeats."));
        output.WriteLine("Files:");
        if (summary.Files.Count <= ListFilesUpTo)
        {
            foreach (var file in summary.Files)
            {
                output.WriteLine(string.Create(c, $"  {file.Name,-28} {file.Records,10:N0}"));
            }

            return;
        }

        foreach (var group in summary.Files.GroupBy(f => f.Name[(f.Name.IndexOf('_', StringComparison.Ordinal) + 1)..]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var files = group.Count() == 1 ? "file " : "files";
            output.WriteLine(string.Create(c, $"  *_{group.Key,-26} {group.Count(),5} {files} {group.Sum(f => f.Records),10:N0} records"));
        }
    }
}
