using System.Diagnostics;
using System.Globalization;
using FhirAdapter.Core.Export;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// Read → map → validate → serialize of a whole inbox in one process, patient by patient as the worker does it
/// (InboxSnapshot, then ExportMapper.Map handing over each patient's Bundle, FhirResourceValidator.ValidateAll on
/// that patient's resources, FhirJson compact), each stage timed on its own, so the time split by stage and the
/// records per second of map + validate + serialize can be read off directly. No Bundle outlives its patient.
/// </summary>
internal static class PipelineRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? input = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--input")
                input = args[i + 1];
        }

        if (input is null || !Directory.Exists(input))
        {
            await Console.Error.WriteLineAsync("usage: pipeline --input DIR (a generated inbox)").ConfigureAwait(false);
            return 2;
        }

        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var validator = new FhirResourceValidator(new FhirValidationOptions());
        var load = clock.Elapsed;

        clock.Restart();
        var snapshot = await InboxSnapshot.ReadAsync(input).ConfigureAwait(false);
        var records = snapshot.Records.Records.ToList();
        var read = clock.Elapsed;

        var validate = TimeSpan.Zero;
        var serialize = TimeSpan.Zero;
        long chars = 0;
        var resources = 0;
        var invalid = 0;
        var patients = 0;
        var stage = new Stopwatch();

        void ValidateAndSerialize(Bundle bundle)
        {
            var entries = bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
            stage.Restart();
            var outcomes = validator.ValidateAll(entries);
            validate += stage.Elapsed;
            resources += entries.Count;
            invalid += outcomes.Count(o => o.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal));

            stage.Restart();
            chars += FhirJson.Serialize(bundle, pretty: false).Length;
            serialize += stage.Elapsed;
        }

        clock.Restart();
        var mapping = new ExportMapper(new MappingOptions { PatientKeySecret = Corpus.Secret }).Map(records, patient =>
        {
            patients++;
            ValidateAndSerialize(patient.Bundle);
        });
        if (mapping.Questionnaires is { } questionnaires)
            ValidateAndSerialize(questionnaires);
        var map = clock.Elapsed - validate - serialize;

        var mvs = map + validate + serialize;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"Inbox:      {input}: {snapshot.Files} files, {snapshot.Records.Read} records read, {records.Count} current, {snapshot.RejectedRecords} rejected"));
        Console.WriteLine(string.Create(c, $"Mapped:     {patients} patients, {resources} resources ({invalid} invalid), {mapping.Held.Count} held, {mapping.Rejected.Count} rejected"));
        Console.WriteLine(string.Create(c, $"Load:       {load.TotalSeconds,8:F2} s  (validator: specification, snapshots, profiles)"));
        Console.WriteLine(string.Create(c, $"Read:       {read.TotalSeconds,8:F2} s  {snapshot.Records.Read / read.TotalSeconds,10:F0} records/s"));
        Console.WriteLine(string.Create(c, $"Map:        {map.TotalSeconds,8:F2} s  {records.Count / map.TotalSeconds,10:F0} records/s"));
        Console.WriteLine(string.Create(c, $"Validate:   {validate.TotalSeconds,8:F2} s  {resources / validate.TotalSeconds,10:F0} resources/s  {validate.TotalMilliseconds * 1000 / resources,8:F0} µs/resource wall ({Environment.ProcessorCount} workers, ValidateAll per patient)"));
        Console.WriteLine(string.Create(c, $"Serialize:  {serialize.TotalSeconds,8:F2} s  {chars / 1e6,10:F1} M chars"));
        Console.WriteLine(string.Create(c, $"Map+validate+serialize: {mvs.TotalSeconds:F2} s = {records.Count / mvs.TotalSeconds:F0} records/s, {resources / mvs.TotalSeconds:F0} resources/s"));
        Console.WriteLine(string.Create(c, $"Total:      {total.Elapsed.TotalSeconds,8:F2} s; GC heap now {GC.GetTotalMemory(false) / 1e6:F0} MB, {GC.CollectionCount(0)} GCs ({GC.CollectionCount(2)} full), {GC.GetTotalPauseDuration().TotalSeconds:F1} s paused"));
        return 0;
    }
}
