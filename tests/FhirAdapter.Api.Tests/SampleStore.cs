using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Records;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>A fresh SQLite store holding samples/inbox: records ingested, every patient mapped and saved as the worker would.</summary>
internal static class SampleStore
{
    public static readonly RecordMapper Mapper = new(new MappingOptions());

    /// <summary>The samples read, mapped and validated once per test run: several stores (SQLite, PostgreSQL) load the same.</summary>
    private static readonly Lazy<Task<(List<ClinicRecord> Records, List<(string Key, List<MappedResource> Resources)> Mappings)>> Samples = new(MapSamplesAsync);

    public static Task<IAdapterStore> CreateAsync(string file, TimeProvider time) => CreateAsync(new StoreOptions { ConnectionString = $"Data Source={file}" }, time);

    public static async Task<IAdapterStore> CreateAsync(StoreOptions options, TimeProvider time)
    {
        var store = AdapterStores.Create(options, time);
        var (records, mappings) = await Samples.Value;
        await store.IngestAsync(new IngestBatch
        {
            Records = [.. records.Select(r => new RecordArrival(r, r.PatientMrn is { } mrn ? Mapper.PatientKey(mrn) : null))],
        }, CancellationToken.None);
        foreach (var (key, resources) in mappings)
        {
            await store.SavePatientMappingAsync(new PatientMapping(key, long.MaxValue, resources, [], []), CancellationToken.None);
        }

        return store;
    }

    private static async Task<(List<ClinicRecord>, List<(string, List<MappedResource>)>)> MapSamplesAsync()
    {
        var snapshot = await InboxSnapshot.ReadAsync(RepoPaths.Inbox);
        var records = snapshot.Records.Records.ToList();
        var result = Mapper.Map(records);
        var mappings = result.Patients.Select(p => (p.PatientKey, p.Bundle.Entry.Select(Mapped).ToList())).ToList();
        mappings.Add((StoreKeys.Questionnaires, result.Questionnaires!.Entry.Select(Mapped).ToList()));
        return (records, mappings);
    }

    /// <summary>
    /// The practice system's records (NDJSON text) of one patient arriving as a sync reads them: ingested, then the patient mapped
    /// again from its current records and the current forms, as the worker does. Returns the patient key.
    /// </summary>
    public static async Task<string> ArriveAsync(IAdapterStore store, string ndjson)
    {
        var records = new List<ClinicRecord>();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(ndjson));
        await foreach (var item in InboxReader.ReadStreamAsync(stream, "arrival.ndjson"))
        {
            records.Add(item.Record ?? throw new InvalidOperationException(string.Join("; ", item.Errors.Select(e => $"{e.RecordId}: {e.Field}: {e.Message}"))));
        }

        var key = Mapper.PatientKey(records.Select(r => r.PatientMrn).OfType<string>().Distinct(StringComparer.Ordinal).Single());
        await store.IngestAsync(new IngestBatch { Records = [.. records.Select(r => new RecordArrival(r, key))] }, CancellationToken.None);

        var current = (await store.GetCurrentRecordsAsync(key, CancellationToken.None)).Select(r => r.ToClinicRecord());
        var forms = (await store.GetCurrentFormsAsync(CancellationToken.None)).Select(r => r.ToClinicRecord());
        var patient = Mapper.Map([.. forms, .. current]).Patients.Single();
        await SaveAsync(store, key, patient.Bundle);
        return key;
    }

    /// <summary><see cref="ArriveAsync"/>, and the logical id that the patient's Patient resource has.</summary>
    public static async Task<(string Key, string PatientId)> ArrivePatientAsync(IAdapterStore store, string ndjson)
    {
        var key = await ArriveAsync(store, ndjson);
        var patient = (await store.GetResourcesAsync(key, CancellationToken.None)).Single(r => r.ResourceType == "Patient");
        return (key, patient.LogicalId);
    }

    /// <summary>The pipeline's validator: what fails it is stored invalid, and the API must not serve it.</summary>
    public static FhirResourceValidator Validator => LazyValidator.Value;

    public static int InvalidCount { get; private set; }

    private static readonly Lazy<FhirResourceValidator> LazyValidator = new(() => new FhirResourceValidator());

    public static System.Threading.Tasks.Task SaveAsync(IAdapterStore store, string key, Bundle bundle) =>
        store.SavePatientMappingAsync(new PatientMapping(key, long.MaxValue, [.. bundle.Entry.Select(Mapped)], [], []), CancellationToken.None);

    public static MappedResource Mapped(Bundle.EntryComponent entry)
    {
        var outcome = Validator.Validate(entry.Resource);
        var valid = !outcome.HasErrors();
        if (!valid)
        {
            InvalidCount++;
        }

        var url = entry.Request.Url;
        var query = url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..];
        var identifier = query.StartsWith("identifier=", StringComparison.Ordinal) ? query["identifier=".Length..]
            : query.StartsWith("_tag=", StringComparison.Ordinal) ? query["_tag=".Length..] : query;
        return new MappedResource(entry.Resource.TypeName, identifier, entry.FullUrl["urn:uuid:".Length..], url,
            FhirJson.Serialize(entry.Resource, pretty: false), valid ? ResourceValidation.Valid : ResourceValidation.Invalid(FhirJson.Serialize(outcome, pretty: false)));
    }
}
