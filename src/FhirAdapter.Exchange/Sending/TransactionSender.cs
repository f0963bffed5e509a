using FhirAdapter.Exchange.Auth;
using FhirAdapter.Exchange.Http;
using FhirAdapter.Exchange.Ledger;
using FhirAdapter.Exchange.Options;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FhirAdapter.Exchange.Sending;

/// <summary>Sends one Bundle to one destination: chunks, version-aware updates, one re-apply on 409/412.</summary>
internal sealed class TransactionSender(FhirHttp http, IExchangeLedger ledger, ILogger logger)
{
    public async Task<DestinationResult> SendAsync(DestinationOptions destination, string patientKey, Bundle bundle, CancellationToken cancellationToken)
    {
        var entries = bundle.Entry;
        var keys = entries.Select(e => e.Request!.Url!).ToArray();
        var known = new ServerVersion?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            known[i] = await ledger.FindAsync(destination.Name, keys[i], cancellationToken).ConfigureAwait(false);
        }

        var chunks = BundleSplitter.Split(entries, destination.MaxBundleEntries);
        Log.SendingBundle(logger, destination.Name, patientKey, entries.Count, chunks.Count);
        var send = new Send(destination, patientKey, entries, keys, known);
        var results = new EntryResult[entries.Count];
        (EntryOutcome Outcome, string Reason)? blocked = null;
        for (var c = 0; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            var chunkResults = blocked is { } b
                ? chunk.Select(i => send.Result(i, b.Outcome, null, $"not sent: an earlier part of this Bundle failed ({b.Reason})")).ToList()
                : await SendChunkAsync(send, chunk, c + 1, chunks.Count, cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < chunk.Count; j++)
            {
                results[chunk[j]] = chunkResults[j];
            }

            // Kept per chunk so that a crash between chunks does not lose the ids the server gave.
            await ledger.RecordAsync(destination.Name, patientKey, chunkResults, cancellationToken).ConfigureAwait(false);
            if (blocked is null && chunkResults.FirstOrDefault(r => r.Outcome != EntryOutcome.Sent) is { } failed)
            {
                blocked = (failed.Outcome, failed.Reason ?? failed.Outcome.ToString());
            }
        }

        return new DestinationResult(destination.Name, results);
    }

    private async Task<IReadOnlyList<EntryResult>> SendChunkAsync(Send send, IReadOnlyList<int> chunk, int number, int count, CancellationToken cancellationToken)
    {
        var d = send.Destination;
        for (var attempt = 0; ; attempt++)
        {
            var transaction = send.BuildTransaction(chunk);
            FhirResponse response;
            try
            {
                response = await http.PostTransactionAsync(d, transaction, transaction.Entry.All(IsIdempotent), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (TransientReason(e, cancellationToken) is { } reason)
            {
                Log.ChunkRetryLater(logger, d.Name, send.PatientKey, number, count, reason);
                return chunk.Select(i => send.Result(i, EntryOutcome.RetryLater, null, reason)).ToList();
            }

            if (response.IsSuccess && response.Resource is not Bundle { Type: Bundle.BundleType.TransactionResponse or Bundle.BundleType.BatchResponse })
            {
                // Committed or not, nobody can tell; every entry here is safe to send again.
                const string unreadable = "the destination's answer could not be read";
                Log.ChunkRetryLater(logger, d.Name, send.PatientKey, number, count, unreadable);
                return chunk.Select(i => send.Result(i, EntryOutcome.RetryLater, response.Status, unreadable)).ToList();
            }

            if (response.IsSuccess)
            {
                Log.ChunkSent(logger, d.Name, send.PatientKey, number, count, chunk.Count, response.Status);
                return send.Accept(chunk, response, logger);
            }

            if (response.Status is 409 or 412 && attempt == 0)
            {
                // Someone else changed it (stale If-Match) or the match changed: learn the current versions, apply once more.
                Log.Reapplying(logger, d.Name, send.PatientKey, response.Status);
                await send.RereadAsync(chunk, http, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.Status is 408 or 429 or >= 500)
            {
                var reason = OperationOutcomes.Reason(response.Resource, response.Status);
                Log.ChunkRetryLater(logger, d.Name, send.PatientKey, number, count, $"HTTP {response.Status}");
                return chunk.Select(i => send.Result(i, EntryOutcome.RetryLater, response.Status, reason)).ToList();
            }

            Log.ChunkRejected(logger, d.Name, send.PatientKey, number, count, response.Status, OperationOutcomes.IssueCodes(response.Resource));
            var why = OperationOutcomes.Reason(response.Resource, response.Status);
            return chunk.Select(i => send.Result(i, EntryOutcome.Rejected, response.Status, why)).ToList();
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
