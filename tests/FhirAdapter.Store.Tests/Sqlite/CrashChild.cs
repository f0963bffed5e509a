using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Records;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Sqlite;

/// <summary>
/// A worker-like writer that never stops by itself: file after file it ingests a batch of records with the file's
/// checkpoint, maps the patient and records the delivery, printing each committed file. The test kills it.
/// </summary>
internal static class CrashChild
{
    public const int RecordsPerFile = 200;

    public static async Task<int> RunAsync(string database)
    {
        var store = AdapterStores.Create(new StoreOptions { ConnectionString = $"Data Source={database}" });
        var session = SessionOf(Intake());
        for (var file = 0; ; file++)
        {
            var key = $"p-crash-{file:D5}";
            var records = Enumerable.Range(0, RecordsPerFile)
                .Select(i => new RecordArrival(session with { RecordId = RecordId(file, i), ContentHash = $"h-{file}-{i}" }, key))
                .ToList();
            await store.IngestAsync(new IngestBatch { File = FileOf(file), Records = records }, CancellationToken.None);
            var mapping = await store.SavePatientMappingAsync(new PatientMapping(key, 1,
                [.. Enumerable.Range(0, 20).Select(i => Resource("Observation", $"{file}.{i}", Json("Observation", $"{file}.{i}")))], [], ["ehr"]), CancellationToken.None);
            var resources = await store.GetResourcesAsync(key, CancellationToken.None);
            await store.RecordDeliveryAsync(new DeliveryReport("ehr", key,
                [.. resources.Select(p => new DeliveryOutcome(p.ResourceType, p.Identifier, p.ContentHash, DeliveryStatus.Sent, "s", $"srv-{p.LogicalId}", "1"))]), CancellationToken.None);
            Console.WriteLine($"committed {file} {mapping.Queued}");
        }
    }

    public static string RecordId(int file, int index) => $"SES-CRASH-{file:D5}-{index:D3}";

    public static InboxFile FileOf(int file) => new($"crash-{file:D5}.ndjson", file, DateTimeOffset.UnixEpoch, new string('c', 64));
}
