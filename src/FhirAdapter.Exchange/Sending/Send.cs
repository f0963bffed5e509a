using FhirAdapter.Exchange.Http;
using FhirAdapter.Exchange.Ledger;
using FhirAdapter.Exchange.Options;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FhirAdapter.Exchange.Sending;

/// <summary>The state of one Bundle's send to one destination: what the server is known to hold so far.</summary>
internal sealed class Send(DestinationOptions destination, string patientKey, IReadOnlyList<Bundle.EntryComponent> entries, string[] keys, ServerVersion?[] known)
{
    public DestinationOptions Destination => destination;

    public string PatientKey => patientKey;

    public EntryResult Result(int i, EntryOutcome outcome, int? status, string? reason, ServerVersion? server = null) =>
        new(keys[i], entries[i].Resource!.TypeName, entries[i].FullUrl ?? "", outcome, status, server?.Id, server?.VersionId, reason);

    /// <summary>
    /// The chunk as a transaction of copies (the caller's Bundle stays as given): entries whose server id is known
    /// become <c>PUT Type/id</c> with If-Match, the others stay conditional updates; references to entries that
    /// already have a server id point at it.
    /// </summary>
    public Bundle BuildTransaction(IReadOnlyList<int> chunk)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            if (known[i] is { } k && entries[i].FullUrl is { Length: > 0 } fullUrl)
            {
                map[fullUrl] = $"{k.ResourceType}/{k.Id}";
            }
        }

        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var i in chunk)
        {
            var entry = (Bundle.EntryComponent)entries[i].DeepCopy();
            if (known[i] is { } k)
            {
                entry.FullUrl = $"{destination.BaseUrl.TrimEnd('/')}/{k.ResourceType}/{k.Id}";
                entry.Resource!.Id = k.Id;
                entry.Request!.Method = Bundle.HTTPVerb.PUT;
                entry.Request.Url = $"{k.ResourceType}/{k.Id}";
                entry.Request.IfMatch = k.VersionId is null ? null : $"W/\"{k.VersionId}\"";
            }

            References.Rewrite(entry.Resource!, map);
            transaction.Entry.Add(entry);
        }

        return transaction;
    }

    /// <summary>Reads a 2xx transaction-response: each entry's id and version, or its own error.</summary>
    public IReadOnlyList<EntryResult> Accept(IReadOnlyList<int> chunk, FhirResponse response, ILogger logger)
    {
        var answer = (response.Resource as Bundle)?.Entry;
        var results = new List<EntryResult>(chunk.Count);
        for (var j = 0; j < chunk.Count; j++)
        {
            var i = chunk[j];
            var type = entries[i].Resource!.TypeName;
            var item = answer is not null && j < answer.Count ? answer[j] : null;
            var status = TransactionReader.Status(item?.Response?.Status) ?? response.Status;
            if (status >= 300)
            {
                // Only a server that treats the transaction as a batch answers like this.
                Log.EntryRejected(logger, destination.Name, patientKey, type, i, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var outcome = status is 408 or 429 or >= 500 ? EntryOutcome.RetryLater : EntryOutcome.Rejected;
                results.Add(Result(i, outcome, status, OperationOutcomes.Reason(item?.Response?.Outcome, status)));
                continue;
            }

            var (id, version) = TransactionReader.IdAndVersion(item, type);
            var server = id is null ? null : new ServerVersion(type, id, version);
            known[i] = server ?? known[i];
            results.Add(Result(i, EntryOutcome.Sent, status, null, server));
        }

        return results;
    }

    /// <summary>Looks each entry of the chunk up again by its conditional URL and keeps what the server holds now.</summary>
    public async System.Threading.Tasks.Task RereadAsync(IReadOnlyList<int> chunk, FhirHttp http, CancellationToken cancellationToken)
    {
        foreach (var i in chunk)
        {
            var type = entries[i].Resource!.TypeName;
            FhirResponse response;
            try
            {
                response = await http.GetAsync(destination, SearchUrl(keys[i]), cancellationToken).ConfigureAwait(false);
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

            // One match: update it by id at its current version. None or several: back to the conditional update,
            // which creates, or which the server refuses as ambiguous.
            known[i] = matches.Count == 1 && matches[0].Id is { } id ? new ServerVersion(type, id, matches[0].Meta?.VersionId) : null;
        }
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
