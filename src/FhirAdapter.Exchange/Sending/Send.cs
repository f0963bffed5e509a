using FhirAdapter.Core.Privacy;
using FhirAdapter.Exchange.Http;
using FhirAdapter.Exchange.Options;
using Hl7.Fhir.Model;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// The state of one Bundle's send to one destination: what the destination is known to hold so far, and the
/// outcome of each entry once decided.
/// </summary>
internal sealed class Send
{
    private readonly IReadOnlyList<Bundle.EntryComponent> _entries;
    private readonly string[] _keys;
    private readonly ServerVersion?[] _known;
    private readonly EntryResult?[] _results;
    private readonly int[][] _references;

    public Send(DestinationOptions destination, OutgoingBundle bundle)
    {
        Destination = destination;
        PatientKey = bundle.PatientKey;
        _entries = bundle.Bundle.Entry;
        _keys = [.. _entries.Select(e => e.Request!.Url!)];
        _known = [.. _entries.Select(e => bundle.Known.GetValueOrDefault(e.FullUrl!))];
        _results = new EntryResult?[_entries.Count];
        var byFullUrl = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _entries.Count; i++)
        {
            byFullUrl.TryAdd(_entries[i].FullUrl!, i);
        }

        _references = [.. _entries.Select((e, i) => e.Resource is null ? [] : FhirElements.Descendants(e.Resource).OfType<ResourceReference>()
            .Select(r => r.Reference is { } s && byFullUrl.TryGetValue(s, out var t) ? t : -1)
            .Where(t => t >= 0 && t != i).Distinct().Order().ToArray())];
    }

    public DestinationOptions Destination { get; }

    public string PatientKey { get; }

    public IReadOnlyList<Bundle.EntryComponent> Entries => _entries;

    /// <summary>Per entry, the other entries it refers to by fullUrl (ascending).</summary>
    public IReadOnlyList<int[]> References => _references;

    public IReadOnlyList<EntryResult> Results => [.. _results.Select((r, i) => r ?? Result(i, EntryOutcome.RetryLater, null, "not sent"))];

    public static string TypeOf(Bundle.EntryComponent entry) =>
        entry.Resource?.TypeName ?? entry.Request!.Url!.Split('?', '/')[0];

    public bool IsKnown(int i) => _known[i] is not null;

    /// <summary>The outcome decided for an entry so far (null: not decided).</summary>
    public EntryOutcome? OutcomeOf(int i) => _results[i]?.Outcome;

    public void Decide(int i, EntryOutcome outcome, int? status, string? reason) => _results[i] = Result(i, outcome, status, reason);

    /// <summary>Accepted: its id and version are known from now on, and entries after it refer to it by id.</summary>
    public void Accept(int i, int status, ServerVersion? server)
    {
        _known[i] = server ?? _known[i];
        _results[i] = Result(i, EntryOutcome.Sent, status, null);
    }

    /// <summary>Stored by the destination, yet to be written again: its id is kept for that.</summary>
    public void Stored(int i, ServerVersion? server, string reason)
    {
        _known[i] = server ?? _known[i];
        _results[i] = Result(i, EntryOutcome.RetryLater, null, reason);
    }

    /// <summary>The destination no longer has it under the id we knew: the next write goes by identifier again.</summary>
    public void Forget(int i) => _known[i] = null;

    /// <summary>The entries of <paramref name="group"/> another entry of the Bundle depends on, outside the group, with no id at
    /// the destination: an entry referring to one would point at nothing.</summary>
    public int? MissingDependency(int i, ISet<int> group) =>
        _references[i].Where(j => !group.Contains(j) && _known[j] is null).Select(j => (int?)j).FirstOrDefault();

    /// <summary>The entries of this transaction that <paramref name="i"/> refers to by their fullUrl (no id at the destination yet).</summary>
    public IEnumerable<int> UnresolvedReferences(int i, ISet<int> sentTogether, IReadOnlySet<int> knownBefore) =>
        _references[i].Where(j => sentTogether.Contains(j) && !knownBefore.Contains(j));

    public string Describe(int j) => $"{TypeOf(_entries[j])} (entry {j})";

    private EntryResult Result(int i, EntryOutcome outcome, int? status, string? reason) =>
        new(_keys[i], TypeOf(_entries[i]), _entries[i].FullUrl ?? "", outcome, status, _known[i]?.Id, _known[i]?.VersionId, reason);

    /// <summary>
    /// The entries as a transaction of copies (the caller's Bundle stays as given): entries whose server id is known
    /// become <c>PUT Type/id</c> with If-Match (or <c>DELETE Type/id</c>), the others stay conditional updates;
    /// references to entries that have a server id point at it.
    /// </summary>
    public Bundle BuildTransaction(IReadOnlyList<int> group)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _entries.Count; i++)
        {
            if (_known[i] is { } k)
            {
                map[_entries[i].FullUrl!] = $"{k.ResourceType}/{k.Id}";
            }
        }

        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var i in group)
        {
            var entry = (Bundle.EntryComponent)_entries[i].DeepCopy();
            if (_known[i] is { } k)
            {
                entry.FullUrl = $"{Destination.BaseUrl.TrimEnd('/')}/{k.ResourceType}/{k.Id}";
                entry.Request!.Url = $"{k.ResourceType}/{k.Id}";
                if (entry.Request.Method != Bundle.HTTPVerb.DELETE)
                {
                    entry.Request.Method = Bundle.HTTPVerb.PUT;
                    entry.Request.IfMatch = k.VersionId is null ? null : $"W/\"{k.VersionId}\"";
                    entry.Resource!.Id = k.Id;
                }
            }

            if (entry.Resource is not null && map.Count > 0)
            {
                foreach (var reference in FhirElements.Descendants(entry.Resource).OfType<ResourceReference>())
                {
                    if (reference.Reference is { } target && map.TryGetValue(target, out var replacement))
                    {
                        reference.Reference = replacement;
                    }
                }
            }

            transaction.Entry.Add(entry);
        }

        return transaction;
    }

    /// <summary>
    /// Looks each entry up again by its conditional URL and keeps what the destination holds now: one match, its id
    /// and version; none, a conditional write again. Returns why an entry cannot be resolved (several matches).
    /// </summary>
    public async Task<Dictionary<int, string>> RereadAsync(IEnumerable<int> group, FhirHttp http, CancellationToken cancellationToken)
    {
        var ambiguous = new Dictionary<int, string>();
        foreach (var i in group)
        {
            var type = TypeOf(_entries[i]);
            FhirResponse response;
            try
            {
                response = await http.GetAsync(Destination, SearchUrl(_keys[i]), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException)
            {
                continue;
            }

            if (!response.IsSuccess)
            {
                continue;
            }

            var matches = response.Resource switch
            {
                Bundle b => b.Entry.Where(e => e.Resource?.TypeName == type && e.Search?.Mode != Bundle.SearchEntryMode.Include)
                    .Select(e => e.Resource!).ToList(),
                Resource r when r.TypeName == type => [r],
                _ => [],
            };

            _known[i] = matches.Count == 1 && matches[0].Id is { } id ? new ServerVersion(type, id, matches[0].Meta?.VersionId) : null;
            if (matches.Count > 1)
            {
                ambiguous[i] = $"the destination holds {matches.Count} {type} resources with this identity; merge them there";
            }
        }

        return ambiguous;
    }

    /// <summary>The conditional URL as a GET, its query values escaped (identifier values may hold '|', '&amp;', '#').</summary>
    internal static string SearchUrl(string conditionalUrl)
    {
        var q = conditionalUrl.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return conditionalUrl;
        }

        var query = conditionalUrl[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(part =>
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? Uri.EscapeDataString(part) : part[..eq] + "=" + Uri.EscapeDataString(Uri.UnescapeDataString(part[(eq + 1)..]));
        });
        return conditionalUrl[..q] + "?" + string.Join("&", query);
    }
}
