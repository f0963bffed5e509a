using System.Text.Json;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Store.Disclosures;
using FhirAdapter.Store.Operations;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Operations.Patients;

/// <summary>
/// Everything the privacy role's patient page shows, read from the store by patient key: who the patient is, each
/// consent and its state now, what was sent where and when, the accounting of disclosures, and who viewed it here.
/// </summary>
public sealed class PatientLookup(
    IAdapterStore store, IOperationsQueries queries, IPatientViewStore views, RecordMapper mapper,
    IOptions<FhirAdapter.Exchange.Options.ExchangeOptions> exchange, TimeProvider time)
{
    public string KeyFor(string mrn) => mapper.PatientKey(mrn.Trim());

    /// <summary>Null when the store knows no record of this patient.</summary>
    public async Task<PatientFile?> ReadAsync(string patientKey, CancellationToken cancellationToken)
    {
        var records = await store.GetCurrentRecordsAsync(patientKey, cancellationToken).ConfigureAwait(false);
        if (records.Count == 0)
        {
            return null;
        }

        var resources = await store.GetResourcesAsync(patientKey, cancellationToken).ConfigureAwait(false);
        var patient = resources.FirstOrDefault(r => r.ResourceType == "Patient");
        var (name, birthDate) = patient is null ? ("(not mapped yet)", "") : Identity(patient.Json);
        var mrn = records.Select(r => r.PatientMrn).FirstOrDefault(m => m is not null) ?? "";
        var now = time.GetUtcNow();
        var clinicRecords = records.Select(r => r.ToClinicRecord()).ToList();

        var consents = records.Where(r => r.Kind == RecordKind.Consent)
            .Select(r => (Record: r, Payload: (ConsentPayload)r.ToClinicRecord().Payload))
            .OrderBy(c => c.Payload.SignedAt)
            .Select(c => new ConsentLine(c.Record.RecordId, c.Payload.ConsentType, c.Payload.State, c.Payload.SignedAt, c.Payload.RevokedAt, c.Payload.ExpiresAt,
                [.. c.Payload.Recipients.Select(x => x.OrganizationId)], [.. c.Payload.Purposes]))
            .ToList();

        var organizations = exchange.Value.Destinations.Select(d => ((string?)d.Name, d.OrganizationId))
            .Concat(consents.SelectMany(c => c.Organizations).Select(o => ((string?)null, o)))
            .DistinctBy(o => o.Item2, StringComparer.Ordinal)
            .Select(o =>
            {
                var decision = ConsentDecider.Decide(clinicRecords, o.Item2, DisclosurePurpose.Treatment, now);
                return new ConsentState(o.Item2, o.Item1, decision.IsPermitted, decision.ConsentRecordId, decision.Reason);
            })
            .ToList();

        return new PatientFile(patientKey, mrn, name, birthDate, consents, organizations,
            await queries.GetPatientDeliveriesAsync(patientKey, cancellationToken).ConfigureAwait(false),
            await store.GetDisclosuresAsync(patientKey, null, cancellationToken).ConfigureAwait(false),
            await views.GetPatientViewsAsync(patientKey, 200, cancellationToken).ConfigureAwait(false));
    }

    public Task<IReadOnlyList<Disclosure>> DisclosuresAsync(string patientKey, CancellationToken cancellationToken) =>
        store.GetDisclosuresAsync(patientKey, null, cancellationToken);

    private static (string Name, string BirthDate) Identity(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var name = "";
        if (root.TryGetProperty("name", out var names) && names.GetArrayLength() > 0)
        {
            var first = names[0];
            var given = first.TryGetProperty("given", out var g) ? string.Join(" ", g.EnumerateArray().Select(x => x.GetString())) : "";
            var family = first.TryGetProperty("family", out var f) ? f.GetString() : "";
            name = $"{given} {family}".Trim();
        }

        return (name, root.TryGetProperty("birthDate", out var b) ? b.GetString() ?? "" : "");
    }
}

/// <summary>A patient's page: patient data, for the privacy role only.</summary>
public sealed record PatientFile(
    string PatientKey,
    string Mrn,
    string Name,
    string BirthDate,
    IReadOnlyList<ConsentLine> Consents,
    IReadOnlyList<ConsentState> States,
    IReadOnlyList<PatientDelivery> Deliveries,
    IReadOnlyList<Disclosure> Disclosures,
    IReadOnlyList<PatientDataView> Views);

public sealed record ConsentLine(
    string RecordId, string Type, string State, DateTimeOffset SignedAt, DateTimeOffset? RevokedAt, string? ExpiresAt,
    IReadOnlyList<string> Organizations, IReadOnlyList<string> Purposes);

/// <summary>Whether the patient's data may go to one organization for treatment now, and under which consent.</summary>
/// <param name="Destination">The configured destination for that organization, if any.</param>
public sealed record ConsentState(string OrganizationId, string? Destination, bool Permitted, string? ConsentRecordId, string Reason);
