using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Records;

namespace FhirAdapter.Store.Tests;

/// <summary>Real records from samples/inbox (<see cref="SampleInbox"/>), and small builders around them.</summary>
internal static class TestRecords
{
    private static readonly PatientKeys Keys = new("https://fhir.kwc.example/sid/mrn", null);

    public static string Key(string mrn) => Keys.For(mrn);

    /// <summary>An intake whose patient also has a session and a consent.</summary>
    public static ClinicRecord Intake(int which = 0) =>
        SampleInbox.Records.Where(r => r.Kind == RecordKind.Intake && !r.IsEnteredInError)
            .Where(r => SampleInbox.Records.Any(s => s.Kind == RecordKind.Session && s.PatientMrn == r.PatientMrn)
                        && SampleInbox.Records.Any(c => c.Kind == RecordKind.Consent && c.PatientMrn == r.PatientMrn))
            .GroupBy(r => r.PatientMrn).Select(g => g.First()).OrderBy(r => r.RecordId, StringComparer.Ordinal).ElementAt(which);

    public static ClinicRecord FormOf(ClinicRecord intake)
    {
        var payload = intake.As<IntakePayload>();
        return SampleInbox.Records.First(r => r.Kind == RecordKind.Form && r.As<FormPayload>().FormId == payload.FormId && r.As<FormPayload>().Version == payload.FormVersion);
    }

    public static ClinicRecord SessionOf(ClinicRecord intake) => SampleInbox.Records.Where(r => r.Kind == RecordKind.Session && r.PatientMrn == intake.PatientMrn).OrderBy(r => r.RecordId, StringComparer.Ordinal).First();

    public static ClinicRecord ConsentOf(ClinicRecord intake) => SampleInbox.Records.Where(r => r.Kind == RecordKind.Consent && r.PatientMrn == intake.PatientMrn).OrderBy(r => r.RecordId, StringComparer.Ordinal).First();

    /// <summary>Another version of a record: the store trusts the reader's hash, so a test hash stands for other content.</summary>
    public static ClinicRecord Version(ClinicRecord record, TimeSpan shift, string? hash = null) =>
        record with { UpdatedAt = record.UpdatedAt + shift, ContentHash = hash ?? $"{record.ContentHash[..8]}-{shift.Ticks}" };

    public static RecordArrival Arrival(ClinicRecord record) => new(record, record.PatientMrn is { } mrn ? Key(mrn) : null);

    public static IngestBatch Batch(params ClinicRecord[] records) => new() { Records = [.. records.Select(Arrival)] };

    public static MappedResource Resource(string type, string id, string json, bool valid = true) =>
        new(type, $"https://fhir.kwc.example/sid/record|{id}", StableIds.For(type, "https://fhir.kwc.example/sid/record", id).ToString(),
            $"{type}?identifier=https://fhir.kwc.example/sid/record|{id}", json,
            valid ? ResourceValidation.Valid : ResourceValidation.Invalid("""{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"required"}]}"""));

    public static string Json(string type, string id, string content = "a") => $$"""{"resourceType":"{{type}}","id":"{{id}}","text":"{{content}}"}""";
}
