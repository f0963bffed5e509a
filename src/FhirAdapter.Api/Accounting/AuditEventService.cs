using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Search;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Store.Disclosures;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Api.Accounting;

/// <summary>
/// The accounting of disclosures as FHIR AuditEvents (read and search). A client sees only the disclosures made to
/// its own organization, whatever the patient's consent says now: each of them lists what that organization already
/// received (the patient's identifier, the consent, the resources), so serving it discloses nothing new, while
/// another organization's entry would say who else holds the patient's records. Reading the accounting is not a
/// disclosure of clinical data and is not itself accounted.
/// </summary>
internal sealed class AuditEventService(IDisclosureStore store, SearchService search, ApiUrls urls, TimeProvider time, ILogger<AuditEventService> logger)
{
    public const string ResourceType = "AuditEvent";

    public async Task<Bundle> SearchAsync(AuditEventSearch request, AccessGrant grant, HttpRequest http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(http);
        var typeUrl = $"{urls.Fhir(http)}/{ResourceType}";
        string? patientKey = null;
        if (request.PatientId is { } patientId && (patientKey = await search.PatientKeyAsync(patientId, cancellationToken).ConfigureAwait(false)) is null)
        {
            return Page(typeUrl, request, [], null);
        }

        // One more than the page: whether there is a next page is known without a second query.
        var rows = await store.SearchDisclosuresAsync(new DisclosureSearch
        {
            OrganizationId = grant.Client.OrganizationId,
            PatientKey = patientKey,
            Id = request.Id,
            From = request.Date.From,
            Before = request.Date.Before,
            After = request.Cursor,
            Limit = request.Count + 1,
        }, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(request.Count).ToList();
        var bundle = Page(typeUrl, request, page, rows.Count > request.Count ? page[^1].Id : null);
        Log.AccountingServed(logger, page.Count, grant.Client.OrganizationId, grant.Client.ClientId);
        return bundle;
    }

    /// <summary>One AuditEvent of the client's organization; 404 for any other (unknown, or another organization's).</summary>
    public async Task<AuditEvent> ReadAsync(string id, AccessGrant grant, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(grant);
        var found = await store.SearchDisclosuresAsync(new DisclosureSearch { OrganizationId = grant.Client.OrganizationId, Id = id, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            throw FhirApiException.NotFound($"{ResourceType}/{id} is not known");
        }

        Log.AccountingServed(logger, 1, grant.Client.OrganizationId, grant.Client.ClientId);
        return FhirJson.ParseStored<AuditEvent>(found[0].AuditEventJson);
    }

    private Bundle Page(string typeUrl, AuditEventSearch request, List<Store.Disclosures.Disclosure> page, string? next)
    {
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = Bundle.BundleType.Searchset,
            Timestamp = time.GetUtcNow(),
            Link = SearchLinks.For(typeUrl, request.Parameters, request.Cursor, next),
            Entry = [.. page.Select(d => new Bundle.EntryComponent
            {
                FullUrl = $"{typeUrl}/{d.Id}",
                Resource = FhirJson.ParseStored<AuditEvent>(d.AuditEventJson),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            })],
        };
        if (request.Ignored.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = new OperationOutcome
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Issue = [.. request.Ignored.Select(i => new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported, Diagnostics = i })],
                },
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        if (bundle.Entry.Count > 0)
        {
            // The accounting names patients: the page is as restricted as each AuditEvent in it.
            bundle.Meta = new Meta
            {
                Security =
                [
                    new Coding(PrivacyCodes.V3Confidentiality, PrivacyCodes.Restricted, "restricted"),
                    new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.Part2Policy, "42 CFR Part2"),
                ],
            };
        }

        return bundle;
    }
}
