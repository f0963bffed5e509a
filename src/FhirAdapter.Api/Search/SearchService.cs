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
internal sealed class SearchService(IResourceQuery query, ApiUrls urls, VisibilityHistory history)
{
    private const int Batch = 1000;

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
            Limit = Math.Clamp(search.Count * 2, 50, Batch),
        };
        if (search.Identifier is { } identifier)
        {
            criteria = identifier.Contains('|', StringComparison.Ordinal) && !identifier.StartsWith('|')
                ? criteria with { Identifier = identifier }
                : criteria with { IdentifierValue = identifier.TrimStart('|') };
        }

        if (search.Patient is not null)
        {
            var patientKey = await PatientKeyAsync(search.Patient, cancellationToken).ConfigureAwait(false);
            if (patientKey is null)
            {
                return Page(search, request, [], null, session);
            }

            criteria = criteria with { PatientKey = patientKey };
        }

        // An incremental search (_lastUpdated=gt...) also finds what was there before but became visible to the client since.
        var extra = search.LastUpdated.From is { } from ? await NewlyVisibleAsync(criteria, from, session, cancellationToken).ConfigureAwait(false) : [];
        var page = new List<(ResourceMatch Match, Resource Resource)>();
        string? next;
        if (search.Sort.Count > 0)
        {
            var all = await CollectAsync(search, criteria, extra, 0, SearchRequest.MaxSorted + 1, session, cancellationToken).ConfigureAwait(false);
            if (all.Count > SearchRequest.MaxSorted)
            {
                throw FhirApiException.BadRequest($"A sorted search may match at most {SearchRequest.MaxSorted} resources: narrow it (patient, _lastUpdated, date) or leave _sort out");
            }

            var sorted = Sort(all, search.Sort);
            page.AddRange(sorted.Skip(search.Offset).Take(search.Count));
            next = search.Offset + search.Count < sorted.Count ? $"o{search.Offset + search.Count}" : null;
        }
        else
        {
            var found = await CollectAsync(search, criteria, extra, search.Cursor, search.Count + 1, session, cancellationToken).ConfigureAwait(false);
            page.AddRange(found.Take(search.Count));
            // One more than the page was looked for: whether there is a next page is known without another query.
            next = found.Count > search.Count ? page[^1].Match.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        }

        var bundle = Page(search, request, page, next, session);
        await RecordAsync(bundle, page, search, session, request, "search", cancellationToken).ConfigureAwait(false);
        return bundle;
    }

    /// <summary>One resource by id: labelled, or 404 (unknown, not validated, withheld, patient not permitted) or 410 (withdrawn).</summary>
    public async Task<Resource> ReadAsync(string type, string id, string? version, DisclosureSession session, CancellationToken cancellationToken)
    {
        // A shared resource (a Practitioner) is stored once per patient: any permitted patient's copy will do.
        var rows = new List<ResourceMatch>();
        for (long after = 0; ;)
        {
            var batch = await query.SearchAsync(new ResourceSearch { ResourceType = type, LogicalId = id, After = after, Limit = 200 }, cancellationToken).ConfigureAwait(false);
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
                return OfVersion(await session.Access.ServeFormAsync(row.Resource, cancellationToken).ConfigureAwait(false), version);
            }

            if (await session.GetAsync(row.Resource.PatientKey, cancellationToken).ConfigureAwait(false) is not { } patient)
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

            OfVersion(labelled, version);
            await session.RecordAsync(patient, [labelled], "read", cancellationToken).ConfigureAwait(false);
            return labelled;
        }

        throw FhirApiException.NotFound($"{type}/{id} is not known");
    }

    private static Resource OfVersion(Resource resource, string? version) =>
        version is null || resource.Meta?.VersionId == version
            ? resource
            : throw FhirApiException.NotFound($"{resource.TypeName}/{resource.Id}/_history/{version} is not known: only the current version ({resource.Meta?.VersionId}) is kept");

    /// <summary>
    /// Patient/{id}/$everything: every resource of the patient the token may read, with the disclosure notice. With
    /// <c>_since</c>, what changed after it plus what the client could not see then (see <see cref="VisibilityHistory"/>).
    /// </summary>
    public async Task<Bundle> EverythingAsync(string id, IReadOnlySet<string>? types, DateTimeOffset? since, DisclosureSession session, HttpRequest request, CancellationToken cancellationToken)
    {
        var patientKey = await PatientKeyAsync(id, cancellationToken).ConfigureAwait(false);
        if (patientKey is null || await session.GetAsync(patientKey, cancellationToken).ConfigureAwait(false) is not { } patient)
        {
            throw FhirApiException.NotFound($"Patient/{id} is not known");
        }

        var then = since is { } at ? await history.DecisionAtAsync(patientKey, session.Grant.Client, at, cancellationToken).ConfigureAwait(false) : null;
        var entries = new List<Bundle.EntryComponent>();
        foreach (var stored in patient.Stored)
        {
            if (!stored.Validation.IsValid || stored.ResourceType == "Provenance" || (types is not null && !types.Contains(stored.ResourceType))
                || !session.Grant.Allows(stored.ResourceType, Auth.SmartPermission.Read))
            {
                continue;
            }

            var resource = patient.Served(stored);
            if (ResourceMaterializer.IsEnteredInError(resource) || session.Access.Filter.IsWithheld(resource, patient.Decision)
                || (since is { } s && !patient.ChangedAfter(stored, s) && VisibilityHistory.WasVisible(resource, then!, session.Access.Filter)))
            {
                continue;
            }

            entries.Add(Entry(request, resource, Bundle.SearchEntryMode.Match));
        }

        var filtered = Disclose(entries, patient, session);
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
        await session.RecordAsync(patient, disclosed, "everything", cancellationToken).ConfigureAwait(false);
        return bundle;
    }

    /// <summary>The patient key of the Patient with this logical id; null when there is none.</summary>
    public async Task<string?> PatientKeyAsync(string logicalId, CancellationToken cancellationToken)
    {
        var rows = await query.SearchAsync(new ResourceSearch { ResourceType = SearchTypes.Patient, LogicalId = logicalId, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].Resource.PatientKey;
    }

    /// <summary>
    /// Labels a patient's entries, adds the disclosure notice (a Provenance targeting them, as an include entry) and
    /// gives the notice an id: its entry's fullUrl is a <c>urn:uuid</c> (the notice is made for this answer and cannot
    /// be read back), and the id is that uuid.
    /// </summary>
    internal static Bundle Disclose(List<Bundle.EntryComponent> entries, PatientView patient, DisclosureSession session)
    {
        var filtered = session.Access.Filter.FilterSearchSet(new Bundle { Type = Bundle.BundleType.Searchset, Entry = entries }, patient.Decision, patient.Sensitivity);
        foreach (var entry in filtered.Entry)
        {
            if (entry.Resource is Provenance { Id: null } notice && entry.FullUrl?.StartsWith("urn:uuid:", StringComparison.Ordinal) == true)
            {
                notice.Id = entry.FullUrl["urn:uuid:".Length..];
            }
        }

        return filtered;
    }

    /// <summary>
    /// Matching rows the client may see, in position order after <paramref name="after"/>, up to <paramref name="limit"/>:
    /// the store's rows merged with <paramref name="extra"/> (rows that became visible since an incremental search's start).
    /// </summary>
    private async Task<List<(ResourceMatch Match, Resource Resource)>> CollectAsync(
        SearchRequest search, ResourceSearch criteria, List<ResourceMatch> extra, long after, int limit, DisclosureSession session, CancellationToken cancellationToken)
    {
        var found = new List<(ResourceMatch, Resource)>();
        var cursor = after;
        var seen = new HashSet<long>();
        while (found.Count < limit)
        {
            var rows = await query.SearchAsync(criteria with { After = cursor }, cancellationToken).ConfigureAwait(false);
            var exhausted = rows.Count < criteria.Limit;
            var upTo = exhausted ? long.MaxValue : rows[^1].Position;
            var merged = rows.Concat(extra.Where(e => e.Position > cursor && e.Position <= upTo)).OrderBy(r => r.Position).ToList();
            foreach (var row in merged)
            {
                cursor = row.Position;
                if (seen.Add(row.Position) && await ServableAsync(row.Resource, session, cancellationToken).ConfigureAwait(false) is { } resource && Matches(search, resource))
                {
                    found.Add((row, resource));
                    if (found.Count == limit)
                    {
                        return found;
                    }
                }
            }

            if (exhausted)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>
    /// Rows last changed before <paramref name="from"/> that the client could not see then and may see now: of patients
    /// whose consents changed since (their Consent resources were mapped again), compared with the decision of then.
    /// </summary>
    private async Task<List<ResourceMatch>> NewlyVisibleAsync(ResourceSearch criteria, DateTimeOffset from, DisclosureSession session, CancellationToken cancellationToken)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        for (long after = 0; ;)
        {
            var consents = await query.SearchAsync(new ResourceSearch
            {
                ResourceType = "Consent", PatientKey = criteria.PatientKey, UpdatedFrom = from, IncludeInvalid = true, After = after, Limit = Batch,
            }, cancellationToken).ConfigureAwait(false);
            keys.UnionWith(consents.Select(c => c.Resource.PatientKey));
            if (consents.Count < Batch)
            {
                break;
            }

            after = consents[^1].Position;
        }

        var extra = new List<ResourceMatch>();
        foreach (var key in keys)
        {
            if (await session.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } patient)
            {
                continue;
            }

            var then = await history.DecisionAtAsync(key, session.Grant.Client, from, cancellationToken).ConfigureAwait(false);
            for (long after = 0; ;)
            {
                var rows = await query.SearchAsync(criteria with { PatientKey = key, UpdatedFrom = null, After = after, Limit = Batch }, cancellationToken).ConfigureAwait(false);
                extra.AddRange(rows.Where(r => r.Resource.MappedAt < from && !VisibilityHistory.WasVisible(patient.Served(r.Resource), then, session.Access.Filter)));
                if (rows.Count < Batch)
                {
                    break;
                }

                after = rows[^1].Position;
            }
        }

        extra.Sort((a, b) => a.Position.CompareTo(b.Position));
        return extra;
    }

    /// <summary>The resource as served, or null when this client must not see it in a search.</summary>
    private static async Task<Resource?> ServableAsync(StoredResource stored, DisclosureSession session, CancellationToken cancellationToken)
    {
        if (stored.PatientKey == StoreKeys.Questionnaires)
        {
            return await session.Access.ServeFormAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        if (await session.GetAsync(stored.PatientKey, cancellationToken).ConfigureAwait(false) is not { } patient)
        {
            return null;
        }

        var resource = patient.Served(stored);
        return ResourceMaterializer.IsEnteredInError(resource) || session.Access.Filter.IsWithheld(resource, patient.Decision) ? null : resource;
    }

    private static bool Matches(SearchRequest search, Resource resource)
    {
        // The store selects on the content's time; a later label change moves meta.lastUpdated past an upper bound.
        if (search.LastUpdated.Before is { } before && resource.Meta?.LastUpdated >= before)
        {
            return false;
        }

        if (search.Date.Count > 0)
        {
            var (from, to) = ResourceDates.Period(resource);
            if ((from is null && to is null) || !search.Date.All(d => d.Matches(from, to)))
            {
                return false;
            }
        }

        if (resource is not Observation observation || (search.Category.Count == 0 && search.Code.Count == 0))
        {
            return true;
        }

        var categories = observation.Category.SelectMany(c => c.Coding).ToList();
        var codes = observation.Code?.Coding ?? [];
        return search.Category.All(any => any.Any(t => categories.Any(t.Matches)))
            && search.Code.All(any => any.Any(t => codes.Any(t.Matches)));
    }

    private static List<(ResourceMatch Match, Resource Resource)> Sort(List<(ResourceMatch Match, Resource Resource)> rows, IReadOnlyList<(string Key, bool Descending)> keys)
    {
        IOrderedEnumerable<(ResourceMatch Match, Resource Resource)>? ordered = null;
        foreach (var (key, descending) in keys)
        {
            Func<(ResourceMatch Match, Resource Resource), IComparable?> by = key switch
            {
                "_lastUpdated" => r => r.Resource.Meta?.LastUpdated,
                "date" => r => ResourceDates.Period(r.Resource).From,
                _ => r => r.Resource.Id,
            };
            ordered = ordered is null
                ? (descending ? rows.OrderByDescending(by) : rows.OrderBy(by))
                : (descending ? ordered.ThenByDescending(by) : ordered.ThenBy(by));
        }

        // Ties keep position order, so that pages are stable.
        return [.. ordered!.ThenBy(r => r.Match.Position)];
    }

    private Bundle Page(SearchRequest search, HttpRequest request, List<(ResourceMatch Match, Resource Resource)> page, string? next, DisclosureSession session)
    {
        var current = search.Sort.Count > 0 ? (search.Offset > 0 ? $"o{search.Offset}" : null)
            : search.Cursor > 0 ? search.Cursor.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = Bundle.BundleType.Searchset,
            Timestamp = session.Access.Time.GetUtcNow(),
            Link = SearchLinks.For($"{urls.Fhir(request)}/{search.ResourceType}", search.Parameters, current, next),
        };
        bundle.Entry = [.. page.Select(p => Entry(request, p.Resource, Bundle.SearchEntryMode.Match))];
        if (search.Ignored.Count > 0)
        {
            // search.html: an OperationOutcome entry (search mode outcome) tells what the server did not use.
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = new OperationOutcome
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Issue = [.. search.Ignored.Select(i => new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported, Diagnostics = i,
                    })],
                },
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return bundle;
    }

    private Bundle.EntryComponent Entry(HttpRequest request, Resource resource, Bundle.SearchEntryMode mode) => new()
    {
        FullUrl = $"{urls.Fhir(request)}/{resource.TypeName}/{resource.Id}",
        Resource = resource,
        Search = new Bundle.SearchComponent { Mode = mode },
    };

    /// <summary>
    /// Per patient on the page: adds what <c>_include</c> / <c>_revinclude</c> ask for (within the patient's own record,
    /// types the token may read), labels the entries, adds the patient's notice Provenance (include entry) and records
    /// the disclosure, before the page is returned.
    /// </summary>
    private async System.Threading.Tasks.Task RecordAsync(
        Bundle bundle, List<(ResourceMatch Match, Resource Resource)> page, SearchRequest search, DisclosureSession session, HttpRequest request, string interaction, CancellationToken cancellationToken)
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

            var patient = (await session.GetAsync(key, cancellationToken).ConfigureAwait(false))!;
            strongest = strongest == PatientSensitivity.Sud ? strongest : patient.Sensitivity;
            var indexes = Enumerable.Range(0, page.Count).Where(j => page[j].Match.Resource.PatientKey == key).ToList();
            var matched = indexes.Select(j => page[j].Resource).ToList();
            var extra = Included(matched, patient, search, session).Select(r => Entry(request, r, Bundle.SearchEntryMode.Include)).ToList();
            var filtered = Disclose([.. indexes.Select(j => bundle.Entry[j]), .. extra], patient, session);
            var matches = filtered.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).ToList();
            for (var m = 0; m < indexes.Count; m++)
            {
                bundle.Entry[indexes[m]] = matches[m];
            }

            var included = filtered.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Include).ToList();
            includes.AddRange(included);
            await session.RecordAsync(patient, [.. matches.Select(e => e.Resource!), .. included.Where(e => e.Resource is not Provenance).Select(e => e.Resource!)], interaction, cancellationToken).ConfigureAwait(false);
        }

        bundle.Entry.AddRange(includes);
        if (strongest is { } sensitivity)
        {
            // The page is as restricted as the most sensitive record in it.
            SecurityLabels.Apply(bundle, sensitivity);
        }
    }

    /// <summary>The resources <c>_include</c> and <c>_revinclude</c> add for one patient's matches: servable, readable with the token, not already matched.</summary>
    private static List<Resource> Included(List<Resource> matched, PatientView patient, SearchRequest search, DisclosureSession session)
    {
        var result = new List<Resource>();
        if (search.Includes.Count == 0 && search.RevIncludes.All(r => r.IsNotice))
        {
            return result;
        }

        var have = matched.Select(r => $"{r.TypeName}/{r.Id}").ToHashSet(StringComparer.Ordinal);
        var byKey = patient.Stored.Where(s => s.Validation.IsValid).GroupBy(s => $"{s.ResourceType}/{s.LogicalId}", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        void Add(StoredResource stored)
        {
            var key = $"{stored.ResourceType}/{stored.LogicalId}";
            if (!session.Grant.Allows(stored.ResourceType, Auth.SmartPermission.Read) || !SearchTypes.Readable.Contains(stored.ResourceType) || !have.Add(key))
            {
                return;
            }

            var resource = patient.Served(stored);
            if (!ResourceMaterializer.IsEnteredInError(resource) && !session.Access.Filter.IsWithheld(resource, patient.Decision))
            {
                result.Add(resource);
            }
        }

        foreach (var include in search.Includes)
        {
            foreach (var reference in matched.Where(m => m.TypeName == include.SourceType).SelectMany(include.References).ToList())
            {
                if (byKey.TryGetValue(reference, out var stored))
                {
                    Add(stored);
                }
            }
        }

        var targets = matched.Select(r => $"{r.TypeName}/{r.Id}").ToHashSet(StringComparer.Ordinal);
        foreach (var include in search.RevIncludes.Where(r => !r.IsNotice))
        {
            foreach (var stored in byKey.Values.Where(s => s.ResourceType == include.SourceType))
            {
                if (include.References(patient.Served(stored)).Any(targets.Contains))
                {
                    Add(stored);
                }
            }
        }

        return result;
    }
}
