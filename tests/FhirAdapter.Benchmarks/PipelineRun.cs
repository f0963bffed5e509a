using System.Diagnostics;
using System.Globalization;
using FhirAdapter.Core.Export;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// Read → map → validate → serialize of a whole inbox in one process, each stage timed on its own (the same calls
/// the worker makes: InboxSnapshot, ExportMapper.Map, FhirResourceValidator.ValidateAll, FhirJson compact), so the
/// time split by stage and the records per second of map + validate + serialize can be read off directly.
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

        clock.Restart();
        var mapping = new ExportMapper(new MappingOptions { PatientKeySecret = Corpus.Secret }).Map(records);
        var map = clock.Elapsed;

        var resources = mapping.Patients.SelectMany(p => p.Bundle.Entry).Select(e => e.Resource)
            .Concat(mapping.Questionnaires?.Entry.Select(e => e.Resource) ?? []).OfType<Resource>().ToList();
        clock.Restart();
        var outcomes = validator.ValidateAll(resources);
        var validate = clock.Elapsed;
        var invalid = outcomes.Count(o => o.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal));

        clock.Restart();
        long chars = 0;
        foreach (var bundle in mapping.Patients.Select(p => p.Bundle).Append(mapping.Questionnaires).OfType<Bundle>())
            chars += FhirJson.Serialize(bundle, pretty: false).Length;
        var serialize = clock.Elapsed;

        var mvs = map + validate + serialize;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"Inbox:      {input}: {snapshot.Files} files, {snapshot.Records.Read} records read, {records.Count} current, {snapshot.RejectedRecords} rejected"));
        Console.WriteLine(string.Create(c, $"Mapped:     {mapping.Patients.Count} patients, {resources.Count} resources ({invalid} invalid), {mapping.Held.Count} held, {mapping.Rejected.Count} rejected"));
        Console.WriteLine(string.Create(c, $"Load:       {load.TotalSeconds,8:F2} s  (validator: specification, snapshots, profiles)"));
        Console.WriteLine(string.Create(c, $"Read:       {read.TotalSeconds,8:F2} s  {snapshot.Records.Read / read.TotalSeconds,10:F0} records/s"));
        Console.WriteLine(string.Create(c, $"Map:        {map.TotalSeconds,8:F2} s  {records.Count / map.TotalSeconds,10:F0} records/s"));
        Console.WriteLine(string.Create(c, $"Validate:   {validate.TotalSeconds,8:F2} s  {resources.Count / validate.TotalSeconds,10:F0} resources/s  {validate.TotalMilliseconds * 1000 / resources.Count,8:F0} µs/resource wall, {validate.TotalMilliseconds * 1000 * Environment.ProcessorCount / resources.Count:F0} µs/resource per worker ({Environment.ProcessorCount} workers)"));
        Console.WriteLine(string.Create(c, $"Serialize:  {serialize.TotalSeconds,8:F2} s  {chars / 1e6,10:F1} M chars"));
        Console.WriteLine(string.Create(c, $"Map+validate+serialize: {mvs.TotalSeconds:F2} s = {records.Count / mvs.TotalSeconds:F0} records/s, {resources.Count / mvs.TotalSeconds:F0} resources/s"));
        Console.WriteLine(string.Create(c, $"Total:      {total.Elapsed.TotalSeconds,8:F2} s; peak working set {Environment.WorkingSet / 1e6:F0} MB now, GC heap {GC.GetTotalMemory(false) / 1e6:F0} MB"));
        return 0;
    }
}
