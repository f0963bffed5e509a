using System.Diagnostics;
using System.Globalization;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Records;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// The sync's store writes on a fresh store, each timed on its own, best of several rounds: ingest of a generated
/// inbox (batches of 100 records, as files are), a mapping per patient (40 resources, one destination), the delivery
/// of all of it (sent), and a remap that changes nothing. Only the public store API is used, so the same file runs
/// against an older build of the store to compare. <c>store --input DIR [--rounds N] [--provider Postgres --connection CS]</c>
/// (PostgreSQL: a new schema per round in the database of CS).
/// </summary>
internal static class StoreWrites
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var input = Arg("--input", "");
        var provider = Arg("--provider", StoreOptions.SqliteProvider);
        var rounds = int.Parse(Arg("--rounds", "3"), CultureInfo.InvariantCulture);
        if (!Directory.Exists(input))
        {
            await Console.Error.WriteLineAsync("usage: store --input DIR (a generated inbox) [--rounds N] [--provider Postgres --connection CS]").ConfigureAwait(false);
            return 2;
        }

        var keys = new PatientKeys("https://fhir.kwc.example/sid/mrn", null);
        var arrivals = (await InboxSnapshot.ReadAsync(input).ConfigureAwait(false)).Records.Records
            .Select(r => new RecordArrival(r, r.PatientMrn is { } mrn ? keys.For(mrn) : null)).ToList();
        var patients = arrivals.Select(a => a.PatientKey).OfType<string>().Distinct().ToList();
        Console.WriteLine($"{arrivals.Count} records, {patients.Count} patients, {provider}, best of {rounds} rounds");
        var best = new Dictionary<string, (TimeSpan Time, int Units)>();
        for (var round = 0; round < rounds; round++)
        {
            var directory = Directory.CreateTempSubdirectory("fhiradapter-store-bench-");
            var options = new StoreOptions { Provider = provider, ConnectionString = provider == StoreOptions.SqliteProvider
                ? $"Data Source={Path.Combine(directory.FullName, "store.db")}" : await SchemaAsync(Arg("--connection", ""), "CREATE").ConfigureAwait(false) };
            var store = AdapterStores.Create(options);
            await store.MigrateAsync(default).ConfigureAwait(false);
            await TimeAsync("ingest (per record)", arrivals.Count, async () =>
            {
                foreach (var batch in arrivals.Chunk(100))
                    await store.IngestAsync(new IngestBatch { Records = batch }, default).ConfigureAwait(false);
            }).ConfigureAwait(false);
            await TimeAsync("map (per patient)", patients.Count, () => MapAllAsync(store, patients)).ConfigureAwait(false);
            await TimeAsync("deliver (per patient)", patients.Count, async () =>
            {
                foreach (var lease in await store.ClaimPendingPatientsAsync("bench", "ehr", patients.Count, default).ConfigureAwait(false))
                {
                    var resources = await store.GetResourcesAsync(lease.PatientKey, default).ConfigureAwait(false);
                    await store.RecordDeliveryAsync(new DeliveryReport("ehr", lease.PatientKey, [.. resources.Select(p =>
                        new DeliveryOutcome(p.ResourceType, p.Identifier, p.ContentHash, DeliveryStatus.Sent, p.ContentHash, $"srv-{p.LogicalId}", "1"))])
                    {
                        QueueSequence = lease.Generation,
                    }, default).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            await TimeAsync("remap unchanged (per patient)", patients.Count, () => MapAllAsync(store, patients)).ConfigureAwait(false);
            (store as IDisposable)?.Dispose();
            directory.Delete(recursive: true);
            if (provider != StoreOptions.SqliteProvider)
                await SchemaAsync(options.ConnectionString, "DROP").ConfigureAwait(false);
        }

        foreach (var (phase, (time, units)) in best)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase,-30} {time.TotalMilliseconds,9:F0} ms {time.TotalMicroseconds / units,9:F0} µs each"));
        return 0;

        async Task TimeAsync(string phase, int units, Func<Task> work)
        {
            var clock = Stopwatch.StartNew();
            await work().ConfigureAwait(false);
            if (!best.TryGetValue(phase, out var previous) || clock.Elapsed < previous.Time)
                best[phase] = (clock.Elapsed, units);
        }
    }

    private static async Task MapAllAsync(IAdapterStore store, List<string> patients)
    {
        foreach (var key in patients)
        {
            var resources = Enumerable.Range(0, 40).Select(i => new MappedResource("Observation", $"https://fhir.kwc.example/sid/record|{key}.{i}", $"{key}-{i}",
                $"Observation?identifier=https://fhir.kwc.example/sid/record|{key}.{i}",
                $$"""{"resourceType":"Observation","id":"{{key}}-{{i}}","status":"final","note":[{"text":"{{new string('x', 600)}}"}]}""", ResourceValidation.Valid));
            await store.SavePatientMappingAsync(new PatientMapping(key, 1, [.. resources], [], ["ehr"]), default).ConfigureAwait(false);
        }
    }

    /// <summary>CREATE: a new schema, and the connection string that works in it; DROP: the schema of such a connection string.</summary>
    private static async Task<string> SchemaAsync(string connectionString, string verb)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var schema = verb == "CREATE" ? $"bench_{Guid.NewGuid():N}"[..20] : builder.SearchPath!;
        builder.SearchPath = null;
        await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new Npgsql.NpgsqlCommand(verb == "CREATE" ? $"CREATE SCHEMA {schema}" : $"DROP SCHEMA {schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        builder.SearchPath = schema;
        return builder.ConnectionString;
    }
}
