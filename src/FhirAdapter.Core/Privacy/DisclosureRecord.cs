namespace FhirAdapter.Core.Privacy;

/// <summary>
/// One disclosure in the accounting of disclosures, as the store persists it. Holds patient data
/// (the AuditEvent names the patient and the resources): keep it in the store, never in logs.
/// </summary>
/// <param name="Id">Deterministic from the disclosure's facts; also the AuditEvent's id.</param>
/// <param name="PatientKey">The opaque patient key (never the MRN), to list a patient's disclosures.</param>
/// <param name="OrganizationId">Who received the data.</param>
/// <param name="Purpose">The purpose the consent was checked for.</param>
/// <param name="ConsentRecordId">The recordId of the consent the disclosure rests on.</param>
/// <param name="Channel">Pushed by the adapter or pulled by an API client.</param>
/// <param name="Time">When the data left.</param>
/// <param name="ResourceIds">What left: <c>Type/id</c> when the resource has a server id, else the conditional-update key the exchange ledger uses (<c>Type?identifier=system|value</c>).</param>
/// <param name="AuditEventJson">The R4 AuditEvent, compact FHIR JSON.</param>
public sealed record DisclosureRecord(
    string Id,
    string PatientKey,
    string OrganizationId,
    DisclosurePurpose Purpose,
    string ConsentRecordId,
    DisclosureChannel Channel,
    DateTimeOffset Time,
    IReadOnlyList<string> ResourceIds,
    string AuditEventJson);
