using System.Diagnostics;
using System.Globalization;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// Read → map → validate → serialize of a whole inbox in one process, patient by patient as the worker does it
/// (InboxSnapshot; RecordMapper.Map handing over each patient's Bundle; FhirResourceValidator.ValidateAll of that
/// patient's resources, patients side by side, one per core; FhirJson compact), each stage timed on its own, so
/// the time split by stage and the records per second of map + validate + serialize can be read off directly. No
/// Bundle outlives its patient by more than a short queue.
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
        // As the worker: the options' defaults, and Adapter__Validation__FastPath / __FastPathDoubleCheck from the environment.
        var options = new FhirValidationOptions();
        if (Environment.GetEnvironmentVariable("Adapter__Validation__FastPath") is { } fastPath)
            options.FastPath = bool.Parse(fastPath);
        if (Environment.GetEnvironmentVariable("Adapter__Validation__FastPathDoubleCheck") is { } doubleCheck)
            options.FastPathDoubleCheck = double.Parse(doubleCheck, CultureInfo.InvariantCulture);
        var validator = new FhirResourceValidator(options);
        var load = clock.Elapsed;

        clock.Restart();
        var snapshot = await InboxSnapshot.ReadAsync(input).ConfigureAwait(false);
        var records = snapshot.Records.Records.ToList();
        var read = clock.Elapsed;

        // As the worker does it: patients side by side, one per core, each validated on its own thread, while the
        // mapping of the next ones goes on (a bounded queue keeps no more than a few Bundles waiting).
        var workers = Environment.ProcessorCount;
        var queue = new System.Collections.Concurrent.BlockingCollection<Bundle>(boundedCapacity: workers * 2);
        long validateTicks = 0, validateCpuTicks = 0, serializeTicks = 0, chars = 0;
        int resources = 0, invalid = 0, patients = 0;
        var consumers = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
        {
            var stage = new Stopwatch();
            foreach (var bundle in queue.GetConsumingEnumerable())
            {
                var entries = bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
                stage.Restart();
                var cpu = ThreadCpu.Now();
                var outcomes = validator.ValidateAll(entries, maxDegreeOfParallelism: 1);
                Interlocked.Add(ref validateTicks, stage.Elapsed.Ticks);
                Interlocked.Add(ref validateCpuTicks, (ThreadCpu.Now() - cpu).Ticks);
                Interlocked.Add(ref resources, entries.Count);
                Interlocked.Add(ref invalid, outcomes.Count(o => o.HasErrors()));

                stage.Restart();
                Interlocked.Add(ref chars, FhirJson.Serialize(bundle, pretty: false).Length);
                Interlocked.Add(ref serializeTicks, stage.Elapsed.Ticks);
            }
        })
        { IsBackground = true, Name = "pipeline-validate" }).ToList();
        consumers.ForEach(t => t.Start());

        clock.Restart();
        var mapTime = Stopwatch.StartNew();
        var mapping = new RecordMapper(new MappingOptions { PatientKeySecret = Corpus.Secret }).Map(records, patient =>
        {
            mapTime.Stop();
            patients++;
            queue.Add(patient.Bundle);
            mapTime.Start();
        });
        mapTime.Stop();
        if (mapping.Questionnaires is { } questionnaires)
            queue.Add(questionnaires);
        queue.CompleteAdding();
        var map = mapTime.Elapsed; // the mapping thread's own time, without its waits for room in the queue
        consumers.ForEach(t => t.Join());
        var mvsWall = clock.Elapsed;
        var validate = TimeSpan.FromTicks(validateTicks);
        var serialize = TimeSpan.FromTicks(serializeTicks);

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"Inbox:      {input}: {snapshot.Files} files, {snapshot.Records.Read} records read, {records.Count} current, {snapshot.RejectedRecords} rejected"));
        Console.WriteLine(string.Create(c, $"Mapped:     {patients} patients, {resources} resources ({invalid} invalid), {mapping.Held.Count} held, {mapping.Rejected.Count} rejected"));
        Console.WriteLine(string.Create(c, $"Load:       {load.TotalSeconds,8:F2} s  (validator: specification, snapshots, profiles)"));
        Console.WriteLine(string.Create(c, $"Read:       {read.TotalSeconds,8:F2} s  {snapshot.Records.Read / read.TotalSeconds,10:F0} records/s"));
        Console.WriteLine(string.Create(c, $"Map:        {map.TotalSeconds,8:F2} s  {records.Count / map.TotalSeconds,10:F0} records/s (one thread, beside the validation)"));
        Console.WriteLine(string.Create(c, $"Validate:   {validate.TotalSeconds,8:F2} s  of {workers} threads: {validate.TotalMilliseconds * 1000 / resources,6:F0} µs per resource on a thread, {TimeSpan.FromTicks(validateCpuTicks).TotalMilliseconds * 1000 / resources:F0} µs of the thread's CPU"));
        var fast = validator.FastPathCounts;
        Console.WriteLine(string.Create(c, $"Fast path:  {(validator.FastPathEnabled ? $"on: {fast.Accepted} accepted, {fast.SentToFirely} sent to Firely, {fast.DoubleChecked} double-checked, {fast.Disagreements} disagreements" : "off (Adapter__Validation__FastPath=false)")}"));
        Console.WriteLine(string.Create(c, $"Serialize:  {serialize.TotalSeconds,8:F2} s  of {workers} threads: {chars / 1e6:F1} M chars"));
        var share = map + validate + serialize;
        Console.WriteLine(string.Create(c, $"Split:      map {100 * map / share:F1}%, validate {100 * validate / share:F1}%, serialize {100 * serialize / share:F1}% of the stages' time"));
        Console.WriteLine(string.Create(c, $"Map+validate+serialize: {mvsWall.TotalSeconds:F2} s wall = {records.Count / mvsWall.TotalSeconds:F0} records/s, {resources / mvsWall.TotalSeconds:F0} resources/s"));
        Console.WriteLine(string.Create(c, $"Total:      {total.Elapsed.TotalSeconds,8:F2} s; GC heap now {GC.GetTotalMemory(false) / 1e6:F0} MB, {GC.CollectionCount(0)} GCs ({GC.CollectionCount(2)} full), {GC.GetTotalPauseDuration().TotalSeconds:F1} s paused"));
        return 0;
    }
}
