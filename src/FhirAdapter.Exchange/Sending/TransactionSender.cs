using FhirAdapter.Exchange.Auth;
using FhirAdapter.Exchange.Http;
using FhirAdapter.Exchange.Options;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// Sends one Bundle to one destination: in transactions of at most MaxBundleEntries, in dependency order, judging
/// every entry of the answer (a server may answer 200 with an error per entry, or fail the whole transaction).
/// A 409/412 is re-read and re-applied up to MaxConflictRetries times, then left as a conflict for the next sync;
/// a whole transaction refused for its content is halved until the entries at fault are found, so that one bad
/// resource never takes the good ones with it; an entry whose reference points at an entry that did not go waits.
/// </summary>
internal sealed class TransactionSender(FhirHttp http, ILogger logger)
{
    public async Task<DestinationResult> SendAsync(DestinationOptions destination, OutgoingBundle bundle, CancellationToken cancellationToken)
    {
        var send = new Send(destination, bundle);
        var chunks = BundleSplitter.Split(send.References, destination.MaxBundleEntries);
        Log.SendingBundle(logger, destination.Name, bundle.PatientKey, send.Entries.Count, chunks.Count);
        foreach (var chunk in chunks)
        {
            await SendGroupAsync(send, chunk, cancellationToken).ConfigureAwait(false);
        }

        return new DestinationResult(destination.Name, bundle.PatientKey, send.Results);
    }

    private async System.Threading.Tasks.Task SendGroupAsync(Send send, IReadOnlyList<int> chunk, CancellationToken cancellationToken)
    {
        var group = HoldBackDependents(send, chunk);
        var d = send.Destination;
        for (var attempt = 0; group.Count > 0; attempt++)
        {
            var knownBefore = group.Where(send.IsKnown).ToHashSet();
            var transaction = send.BuildTransaction(group);
            FhirResponse response;
            try
            {
                response = await http.PostTransactionAsync(d, transaction, transaction.Entry.All(IsIdempotent), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (TransientReason(e, cancellationToken) is { } reason)
            {
                Log.TransactionRetryLater(logger, d.Name, send.PatientKey, group.Count, reason);
                Decide(send, group, EntryOutcome.RetryLater, null, reason);
                return;
            }

            var conflictsLeft = attempt < d.MaxConflictRetries;
            if (response.IsSuccess)
            {
                if (response.Resource is not Bundle { Type: Bundle.BundleType.TransactionResponse or Bundle.BundleType.BatchResponse } answer)
                {
                    // Committed or not, nobody can tell; every entry here is safe to send again.
                    const string unreadable = "the destination's answer could not be read";
                    Log.TransactionRetryLater(logger, d.Name, send.PatientKey, group.Count, unreadable);
                    Decide(send, group, EntryOutcome.RetryLater, response.Status, unreadable);
                    return;
                }

                Log.TransactionAnswered(logger, d.Name, send.PatientKey, group.Count, response.Status);
                var again = await JudgeEntriesAsync(send, group, answer, response.Status, knownBefore, conflictsLeft, cancellationToken).ConfigureAwait(false);
                group = HoldBackDependents(send, again);
                continue;
            }

            var why = OperationOutcomes.Reason(response.Resource, response.Status);
            switch (response.Status)
            {
                case 409 or 412 or 404 or 410 when conflictsLeft && (response.Status is 409 or 412 || knownBefore.Count > 0):
                    // Someone else changed it (stale If-Match), the match changed, or what we updated by id is gone:
                    // learn what the destination holds now and apply again.
                    Log.Reapplying(logger, d.Name, send.PatientKey, response.Status);
                    var ambiguous = await send.RereadAsync(group, http, cancellationToken).ConfigureAwait(false);
                    foreach (var (i, reason) in ambiguous)
                    {
                        send.Decide(i, EntryOutcome.Conflict, response.Status, reason);
                    }

                    group = [.. group.Where(i => !ambiguous.ContainsKey(i))];
                    continue;
                case 409 or 412:
                    Log.ConflictPending(logger, d.Name, send.PatientKey, group.Count, response.Status);
                    Decide(send, group, EntryOutcome.Conflict, response.Status, why);
                    return;
                case 408 or 429 or >= 500:
                    Log.TransactionRetryLater(logger, d.Name, send.PatientKey, group.Count, $"HTTP {response.Status}");
                    Decide(send, group, EntryOutcome.RetryLater, response.Status, why);
                    return;
                case 400 or 422 when group.Count > 1:
                    // The whole transaction was refused for the content of some entry: find it by halves (the order is
                    // the dependency order, so the first half never refers to the second).
                    Log.Bisecting(logger, d.Name, send.PatientKey, group.Count, response.Status, OperationOutcomes.IssueCodes(response.Resource));
                    var half = group.Count / 2;
                    await SendGroupAsync(send, group.Take(half).ToList(), cancellationToken).ConfigureAwait(false);
                    await SendGroupAsync(send, group.Skip(half).ToList(), cancellationToken).ConfigureAwait(false);
                    return;
                case 400 or 403 or 422:
                    Log.TransactionRejected(logger, d.Name, send.PatientKey, group.Count, response.Status, OperationOutcomes.IssueCodes(response.Resource));
                    Decide(send, group, EntryOutcome.Rejected, response.Status, why);
                    return;
                default:
                    // 401 after a fresh token, 404 on the endpoint, 405, 406, 415...: the destination's address, credentials
                    // or capabilities are at fault, not the data. It waits until the configuration is fixed.
                    var refused = $"the destination refused the request ({why}): check its BaseUrl, credentials and permissions";
                    Log.TransactionRetryLater(logger, d.Name, send.PatientKey, group.Count, $"HTTP {response.Status}");
                    Decide(send, group, EntryOutcome.RetryLater, response.Status, refused);
                    return;
            }
        }
    }

    /// <summary>
    /// Judges each entry of a transaction-response; returns the entries to apply once more (conflicts after a re-read,
    /// and entries stored with a reference to an entry that failed beside them).
    /// </summary>
    private async Task<List<int>> JudgeEntriesAsync(
        Send send, List<int> group, Bundle answer, int status, IReadOnlySet<int> knownBefore, bool conflictsLeft, CancellationToken cancellationToken)
    {
        var d = send.Destination;
        var failed = new HashSet<int>();
        var conflicted = new List<int>();
        var conflictStatus = 409;
        for (var j = 0; j < group.Count; j++)
        {
            var i = group[j];
            var item = j < answer.Entry.Count ? answer.Entry[j] : null;
            var code = TransactionReader.Status(item?.Response?.Status) ?? status;
            var type = Send.TypeOf(send.Entries[i]);
            var isDelete = send.Entries[i].Request!.Method == Bundle.HTTPVerb.DELETE;
            if (code is >= 200 and < 300 || (isDelete && code is 404 or 410))
            {
                var (id, version) = TransactionReader.IdAndVersion(item, type);
                send.Accept(i, code, id is null ? null : new ServerVersion(type, id, version));
                continue;
            }

            failed.Add(i);
            var reason = OperationOutcomes.Reason(item?.Response?.Outcome, code);
            switch (code)
            {
                case 409 or 412:
                    conflicted.Add(i);
                    conflictStatus = code;
                    send.Decide(i, EntryOutcome.Conflict, code, reason);
                    break;
                case 404 or 410 when knownBefore.Contains(i):
                    // Updated by an id the destination no longer has: write it by its identity again.
                    send.Forget(i);
                    conflicted.Add(i);
                    send.Decide(i, EntryOutcome.Conflict, code, reason);
                    break;
                case 408 or 429 or >= 500:
                    send.Decide(i, EntryOutcome.RetryLater, code, reason);
                    break;
                case 400 or 403 or 422:
                    Log.EntryRejected(logger, d.Name, send.PatientKey, type, i, code);
                    send.Decide(i, EntryOutcome.Rejected, code, reason);
                    break;
                default:
                    send.Decide(i, EntryOutcome.RetryLater, code, $"the destination refused this entry ({reason})");
                    break;
            }
        }

        // An entry stored beside one that failed may point at an id the failed one never got: write it again once
        // that one exists. Servers that apply entries one by one (HTTP 200 with a status per entry) do this.
        var together = group.ToHashSet();
        var again = new List<int>();
        foreach (var i in group.Where(i => !failed.Contains(i)))
        {
            if (send.UnresolvedReferences(i, together, knownBefore).FirstOrDefault(failed.Contains, -1) is var j and >= 0)
            {
                send.Stored(i, null, $"stored while {send.Describe(j)} it refers to failed; to be written again");
                again.Add(i);
            }
        }

        if (conflicted.Count == 0)
        {
            // Nothing to apply again now: what was stored too early waits, its id known, until what it refers to exists.
            return [];
        }

        if (!conflictsLeft)
        {
            Log.ConflictPending(logger, d.Name, send.PatientKey, conflicted.Count, conflictStatus);
            return [];
        }

        Log.Reapplying(logger, d.Name, send.PatientKey, conflictStatus);
        var ambiguous = await send.RereadAsync(conflicted, http, cancellationToken).ConfigureAwait(false);
        foreach (var (i, reason) in ambiguous)
        {
            send.Decide(i, EntryOutcome.Conflict, 412, reason);
        }

        // The conflicts once more, with what was stored too early beside them (held back again if what it refers to
        // does not go with it).
        return [.. group.Where(i => (conflicted.Contains(i) && !ambiguous.ContainsKey(i)) || again.Contains(i))];
    }

    /// <summary>The entries of the group that can go: an entry referring to an entry that has no id at the destination
    /// and does not go in the same transaction would point at nothing, so it waits (and so does what refers to it).</summary>
    private static List<int> HoldBackDependents(Send send, IReadOnlyList<int> candidates)
    {
        var group = candidates.ToHashSet();
        bool changed;
        do
        {
            changed = false;
            foreach (var i in group.ToList())
            {
                if (send.MissingDependency(i, group) is { } j)
                {
                    var rejected = send.OutcomeOf(j) is EntryOutcome.Rejected or EntryOutcome.Blocked;
                    send.Decide(i, rejected ? EntryOutcome.Blocked : EntryOutcome.RetryLater, null,
                        $"not sent: it refers to {send.Describe(j)}, which the destination {(rejected ? "rejected" : "does not hold yet")}");
                    group.Remove(i);
                    changed = true;
                }
            }
        }
        while (changed);

        return [.. candidates.Where(group.Contains)];
    }

    private static void Decide(Send send, IEnumerable<int> group, EntryOutcome outcome, int? status, string reason)
    {
        foreach (var i in group)
        {
            send.Decide(i, outcome, status, reason);
        }
    }

    /// <summary>A transaction may be repeated only if every entry may be.</summary>
    internal static bool IsIdempotent(Bundle.EntryComponent entry) => entry.Request?.Method switch
    {
        Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.DELETE or Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD => true,
        Bundle.HTTPVerb.POST => !string.IsNullOrEmpty(entry.Request.IfNoneExist),
        _ => false,
    };

    /// <summary>The failures after which the entries wait for the next sync (null: not such a failure).</summary>
    private static string? TransientReason(Exception e, CancellationToken cancellationToken) => e switch
    {
        _ when cancellationToken.IsCancellationRequested => null,
        BrokenCircuitException => "circuit open: the destination failed repeatedly",
        TimeoutRejectedException => "timed out",
        HttpRequestException h => h.StatusCode is { } s ? $"HTTP {(int)s} from the token endpoint" : "connection failed",
        AuthenticationFailedException a => a.Message,
        OperationCanceledException => "timed out",
        _ => null,
    };
}
