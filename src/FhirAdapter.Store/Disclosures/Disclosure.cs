using FhirAdapter.Core.Privacy;

namespace FhirAdapter.Store.Disclosures;

/// <summary>
/// One entry of the accounting of disclosures (42 CFR Part 2): who received which of a patient's resources, why,
/// under which consent, and the AuditEvent that records it.
/// </summary>
/// <param name="Id">Chosen by the caller (e.g. the AuditEvent's id), so that recording the same disclosure twice keeps one entry.</param>
/// <param name="ResourceIds">The disclosed resources as <c>Type/id</c>.</param>
public sealed record Disclosure(
    string Id,
    string PatientKey,
    string OrganizationId,
    string Purpose,
    string? ConsentRecordId,
    DisclosureChannel Channel,
    DateTimeOffset DisclosedAt,
    IReadOnlyList<string> ResourceIds,
    string AuditEventJson);
