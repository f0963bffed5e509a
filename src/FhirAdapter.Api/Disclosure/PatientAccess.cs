using FhirAdapter.Api.Auth;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Core.Reading;
using FhirAdapter.Store;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Api.Disclosure;

/// <summary>
/// The one way the API reaches patient data: every patient passes <see cref="ConsentDecider"/> for the client's
/// organization and purpose at the moment of the request, and every disclosure is written to the accounting before
/// the answer goes out. Nothing is cached across requests (a revocation takes effect on the next one).
/// </summary>
internal sealed class PatientAccess
{
    private readonly IAdapterStore _store;
    private readonly TimeProvider _time;
    private readonly DisclosureAccounting _accounting;
    private readonly ILogger _logger;

    public PatientAccess(IAdapterStore store, TimeProvider time, ClinicCanonicals canonicals, ILogger<PatientAccess> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        Canonicals = canonicals;
        Filter = new DisclosureFilter(canonicals);
        _accounting = new DisclosureAccounting(canonicals);
    }

    public ClinicCanonicals Canonicals { get; }

    public DisclosureFilter Filter { get; }

    public DisclosureSession Begin(AccessGrant grant) => new(this, grant);

    internal TimeProvider Time => _time;

    /// <summary>The patient's view if the organization may see it now; null when denied (or the patient has no data).</summary>
    internal async Task<PatientView?> LoadAsync(string patientKey, AccessGrant grant, CancellationToken cancellationToken)
    {
        var (decision, records) = await DecideAsync(patientKey, grant, cancellationToken).ConfigureAwait(false);
        if (!decision.IsPermitted)
        {
            return null;
        }

        // The accounting names the patient by MRN; without one nothing can be accounted for, so nothing is disclosed.
        var mrn = records.Select(r => r.PatientMrn).FirstOrDefault(m => !string.IsNullOrEmpty(m));
        if (mrn is null)
        {
            return null;
        }

        var resources = await _store.GetResourcesAsync(patientKey, cancellationToken).ConfigureAwait(false);
        if (resources.Count == 0)
        {
            return null;
        }

        // Each resource's served version (meta.versionId), moved by the store when its content or its labels changed.
        var view = new PatientView(patientKey, mrn, decision, resources);
        view.ApplyVersions(await _store.TrackServedVersionsAsync(patientKey, view.ServedStates(), cancellationToken).ConfigureAwait(false));
        return view;
    }

    /// <summary>The organization's consent decision for the patient now, and the patient's current records it rests on.</summary>
    private async Task<(ConsentDecision Decision, IReadOnlyList<ClinicRecord> Records)> DecideAsync(string patientKey, AccessGrant grant, CancellationToken cancellationToken)
    {
        var records = (await _store.GetCurrentRecordsAsync(patientKey, cancellationToken).ConfigureAwait(false)).Select(r => r.ToClinicRecord()).ToList();
        var decision = ConsentDecider.Decide(records, grant.Client.OrganizationId, grant.Client.Purpose, _time);
        if (!decision.IsPermitted)
        {
            Log.Withheld(_logger, patientKey, grant.Client.OrganizationId, decision.Reason);
        }

        return (decision, records);
    }

    /// <summary>The decision alone, from the patient's consents only (what it reads): for checks that load nothing else.</summary>
    internal async Task<ConsentDecision> DecideOnConsentsAsync(string patientKey, AccessGrant grant, CancellationToken cancellationToken)
    {
        var consents = await _store.GetCurrentRecordsAsync(patientKey, RecordKind.Consent, cancellationToken).ConfigureAwait(false);
        return ConsentDecider.Decide(consents.Select(r => r.ToClinicRecord()), grant.Client.OrganizationId, grant.Client.Purpose, _time);
    }

    /// <summary>A form (Questionnaire): no patient's data, served as mapped, without consent or labels, with its served version.</summary>
    internal async Task<Hl7.Fhir.Model.Resource> ServeFormAsync(Store.Patients.StoredResource stored, CancellationToken cancellationToken)
    {
        var resource = ResourceMaterializer.Materialize(stored, new Dictionary<string, string>());
        var version = (await _store.TrackServedVersionsAsync(StoreKeys.Questionnaires,
            [new Store.Api.ServedState(stored.ResourceType, stored.LogicalId, stored.ContentHash[..32], stored.MappedAt)], cancellationToken).ConfigureAwait(false)).Single();
        resource.Meta ??= new Hl7.Fhir.Model.Meta();
        resource.Meta.VersionId = version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = version.ChangedAt;
        return resource;
    }

    /// <summary>Writes one disclosure (channel pull) to the accounting: call before the data is sent.</summary>
    internal async Task RecordAsync(PatientView patient, IReadOnlyList<Hl7.Fhir.Model.Resource> disclosed, AccessGrant grant, string interaction, CancellationToken cancellationToken)
    {
        if (disclosed.Count == 0)
        {
            return;
        }

        await RecordAsync(Account(patient, disclosed), cancellationToken).ConfigureAwait(false);
        Log.Disclosed(_logger, disclosed.Count, patient.PatientKey, grant.Client.OrganizationId, grant.Client.ClientId, interaction);
    }

    /// <summary>The accounting entry of a pull disclosure, built now and recorded later (bulk export: when its files are fetched).</summary>
    internal Store.Disclosures.Disclosure Account(PatientView patient, IReadOnlyList<Hl7.Fhir.Model.Resource> disclosed)
    {
        var record = _accounting.Record(patient.PatientKey, patient.Mrn, patient.Decision, DisclosureChannel.Pull, disclosed, _time.GetUtcNow());
        return new Store.Disclosures.Disclosure(record.Id, record.PatientKey, record.OrganizationId, record.Purpose.RecordCode(), record.ConsentRecordId,
            DisclosureChannel.Pull, record.Time, record.ResourceIds, record.AuditEventJson);
    }

    internal Task RecordAsync(Store.Disclosures.Disclosure disclosure, CancellationToken cancellationToken) => _store.RecordDisclosureAsync(disclosure, cancellationToken);
}
