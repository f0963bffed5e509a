using FhirAdapter.Api.Disclosure;
using FhirAdapter.Api.Http;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Search;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Api.Search;

/// <summary>
/// Type search, read by id and <c>$everything</c> over the store's last mappings. Only valid, current resources are
/// seen; a patient the organization may not see is invisible (no 403, no count); withdrawn resources (status
/// entered-in-error) are left out of searches and answer 410 on read.
/// </summary>
internal sealed class SearchService(IResourceQuery query, ApiUrls urls)
{
    public async Task<Bundle> SearchAsync(SearchRequest search, DisclosureSession session, HttpRequest request, CancellationToken cancellationToken)
    {
        var criteria = new ResourceSearch
        {
            ResourceType = search.ResourceType,
            LogicalId = search.Id,
            CanonicalUrl = search.Url?.Split('|')[0],
            CanonicalVersion = search.Url?.Contains('|', StringComparison.Ordinal) == true ? search.Url.Split('|', 2)[1] : null,
            UpdatedFrom = search.LastUpdated.From,
            UpdatedBefore = search.LastUpdated.Before,
            Limit = Math.Clamp(search.Count * 2, 50, 1000),
        };
        if (search.Identifier is { } identifier)
        {
            criteria = identifier.Contains('|', StringComparison.Ordinal) && !identifier.StartsWith('|')
                ? criteria with { Identifier = identifier }
                : criteria with { IdentifierValue = identifier.TrimStart('|') };
        }

        var page = new List<(ResourceMatch Match, Resource Resource)>();
        var exhausted = true;
        var cursor = search.Cursor;
        if (search.Patient is not null)
        {
            var patientKey = await PatientKeyAsync(search.Patient, cancellationToken);
            if (patientKey is null)
            {
                return Page(search, request, [], null, session);
            }

            criteria = criteria with { PatientKey = patientKey };
        }

        while (page.Count < search.Count)
        {
            var rows = await query.SearchAsync(criteria with { After = cursor }, cancellationToken);
            exhausted = rows.Count < criteria.Limit;
            foreach (var row in rows)
            {
                cursor = row.Position;
                if (await ServableAsync(row.Resource, session, cancellationToken) is { } resource && Matches(search, resource))
                {
                    page.Add((row, resource));
                    if (page.Count == search.Count)
                    {
                        exhausted = exhausted && row == rows[^1];
                        break;
                    }
                }
            }

            if (exhausted)
            {
                break;
            }
        }

        var bundle = Page(search, request, page, exhausted ? null : cursor, session);
        await RecordAsync(bundle, page, session, "search", cancellationToken);
        return bundle;
    }

    /// <summary>One resource by id: labelled, or 404 (unknown, not validated, withheld, patient not permitted) or 410 (withdrawn).</summary>
    public async Task<Resource> ReadAsync(string type, string id, DisclosureSession session, CancellationToken cancellationToken)
    {
        // A shared resource (a Practitioner) is stored once per patient: any permitted patient's copy will do.
        var rows = new List<ResourceMatch>();
        for (long after = 0; ;)
        {
            var batch = await query.SearchAsync(new ResourceSearch { ResourceType = type, LogicalId = id, After = after, Limit = 200 }, cancellationToken);
            rows.AddRange(batch);
            if (batch.Count < 200)
            {
                break;
            }

            after = batch[^1].Position;
        }

        foreach (var row in rows)
        {
            if (row.Resource.PatientKey == StoreKeys.Questionnaires)
            {
                return Questionnaire(row.Resource);
            }

            if (await session.GetAsync(row.Resource.PatientKey, cancellationToken) is not { } patient)
            {
                continue;
            }

            var resource = patient.Served(row.Resource);
            if (session.Access.Filter.FilterResource(resource, patient.Decision, patient.Sensitivity) is not { } labelled)
            {
                continue;
            }

            if (ResourceMaterializer.IsEnteredInError(resource))
            {
                throw new FhirApiException(410, OperationOutcome.IssueType.Deleted, $"{type}/{id} was withdrawn at the source (entered-in-error)");
            }

            await session.RecordAsync(patient, [labelled], "read", cancellationToken);
            return labelled;
        }

        throw FhirApiException.NotFound($"{type}/{id} is not known");
    }

    /// <summary>Patient/{id}/$everything: every resource of the patient the token may read, with the disclosure notice.</summary>
    public async Task<Bundle> EverythingAsync(string id, IReadOnlySet<string>? types, DateTimeOffset? since, DisclosureSession session, HttpRequest request, CancellationToken cancellationToken)
    {
        var patientKey = await PatientKeyAsync(id, cancellationToken);
        if (patientKey is null || await session.GetAsync(patientKey, cancellationToken) is not { } patient)
        {
            throw FhirApiException.NotFound($"Patient/{id} is not known");
        }

        var entries = new List<Bundle.EntryComponent>();
        foreach (var stored in patient.Stored)
        {
            if (!stored.Validation.IsValid || stored.ResourceType == "Provenance" || (types is not null && !types.Contains(stored.ResourceType))
                || (since is { } s && stored.MappedAt < s) || !session.Grant.Allows(stored.ResourceType, Auth.SmartPermission.Read))
            {
                continue;
            }

            var resource = patient.Served(stored);
            if (!ResourceMaterializer.IsEnteredInError(resource))
            {
                entries.Add(Entry(request, resource));
            }
        }

        var filtered = session.Access.Filter.FilterSearchSet(new Bundle { Type = Bundle.BundleType.Searchset, Entry = entries }, patient.Decision, patient.Sensitivity);
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Meta = filtered.Meta,
            Type = Bundle.BundleType.Searchset,
            Timestamp = session.Access.Time.GetUtcNow(),
            Link = [new Bundle.LinkComponent { Relation = "self", Url = urls.Self(request) }],
            Entry = filtered.Entry,
        };
        var disclosed = bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource!).ToList();
        await session.RecordAsync(patient, disclosed, "everything", cancellationToken);
        return bundle;
    }

    /// <summary>The patient key of the Patient with this logical id; null when there is none.</summary>
    public async Task<string?> PatientKeyAsync(string logicalId, CancellationToken cancellationToken)
    {
        var rows = await query.SearchAsync(new ResourceSearch { ResourceType = SearchTypes.Patient, LogicalId = logicalId, Limit = 1 }, cancellationToken);
        return rows.Count == 0 ? null : rows[0].Resource.PatientKey;
    }

    /// <summary>The resource as served, or null when this client must not see it in a search.</summary>
    private static async Task<Resource?> ServableAsync(StoredResource stored, DisclosureSession session, CancellationToken cancellationToken)
    {
        if (stored.PatientKey == StoreKeys.Questionnaires)
        {
            return Questionnaire(stored);
        }

        if (await session.GetAsync(stored.PatientKey, cancellationToken) is not { } patient)
        {
            return null;
        }

        var resource = patient.Served(stored);
        return ResourceMaterializer.IsEnteredInError(resource) || session.Access.Filter.IsWithheld(resource, patient.Decision) ? null : resource;
    }

    /// <summary>Forms are no patient's data: served as mapped, without consent or labels.</summary>
    private static Resource Questionnaire(StoredResource stored) => ResourceMaterializer.Materialize(stored, new Dictionary<string, string>());

    private static bool Matches(SearchRequest search, Resource resource)
    {
        if (resource is not Observation observation || (search.Category.Count == 0 && search.Code.Count == 0))
        {
            return true;
        }

        var categories = observation.Category.SelectMany(c => c.Coding).ToList();
        var codes = observation.Code?.Coding ?? [];
        return search.Category.All(any => any.Any(t => categories.Any(t.Matches)))
            && search.Code.All(any => any.Any(t => codes.Any(t.Matches)));
    }

    private Bundle Page(SearchRequest search, HttpRequest request, List<(ResourceMatch Match, Resource Resource)> page, long? next, DisclosureSession session)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = Bundle.BundleType.Searchset,
            Timestamp = session.Access.Time.GetUtcNow(),
            Link = SearchLinks.For($"{urls.Fhir(request)}/{search.ResourceType}", search.Parameters, search.Cursor > 0 ? search.Cursor.ToString(invariant) : null, next?.ToString(invariant)),
        };
        bundle.Entry = [.. page.Select(p => Entry(request, p.Resource))];
        return bundle;
    }

    private Bundle.EntryComponent Entry(HttpRequest request, Resource resource) => new()
    {
        FullUrl = $"{urls.Fhir(request)}/{resource.TypeName}/{resource.Id}",
        Resource = resource,
        Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
    };

    /// <summary>
    /// Labels each patient's entries, adds that patient's notice Provenance (included entry) and records the
    /// disclosure, patient by patient, before the page is returned.
    /// </summary>
    private static async System.Threading.Tasks.Task RecordAsync(Bundle bundle, List<(ResourceMatch Match, Resource Resource)> page, DisclosureSession session, string interaction, CancellationToken cancellationToken)
    {
        var includes = new List<Bundle.EntryComponent>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        PatientSensitivity? strongest = null;
        for (var i = 0; i < page.Count; i++)
        {
            var key = page[i].Match.Resource.PatientKey;
            if (key == StoreKeys.Questionnaires || !done.Add(key))
            {
                continue;
            }

            var patient = (await session.GetAsync(key, cancellationToken))!;
            strongest = strongest == PatientSensitivity.Sud ? strongest : patient.Sensitivity;
            var indexes = Enumerable.Range(0, page.Count).Where(j => page[j].Match.Resource.PatientKey == key).ToList();
            var group = new Bundle { Type = Bundle.BundleType.Searchset, Entry = [.. indexes.Select(j => bundle.Entry[j])] };
            var filtered = session.Access.Filter.FilterSearchSet(group, patient.Decision, patient.Sensitivity);
            var matches = filtered.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).ToList();
            for (var m = 0; m < indexes.Count; m++)
            {
                bundle.Entry[indexes[m]] = matches[m];
            }

            includes.AddRange(filtered.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Include));

            await session.RecordAsync(patient, [.. matches.Select(e => e.Resource!)], interaction, cancellationToken);
        }

        bundle.Entry.AddRange(includes);
        if (strongest is { } sensitivity)
        {
            // The page is as restricted as the most sensitive record in it.
            SecurityLabels.Apply(bundle, sensitivity);
        }
    }
}
