using System.CommandLine;
using FhirAdapter.Operations.Quarantine;
using FhirAdapter.Store;
using FhirAdapter.Store.Quarantine;
using Microsoft.Extensions.DependencyInjection;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// <c>quarantine list | show ID | retry ID | retry --all</c>: the records that could not be used, and why.
/// A retry reads the record again (after the adapter or its form was fixed); one whose problem was found
/// while mapping or validating is remapped at the next sync.
/// </summary>
internal static class QuarantineCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var list = new Command("list", "List quarantined records: where, which record, which field, why.");
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction((parse, ct) => CommandHost.RunAsync(parse, error, async services =>
        {
            var entries = await services.GetRequiredService<IQuarantineStore>().ListQuarantineAsync(1000, ct).ConfigureAwait(false);
            output.WriteLine($"{entries.Count} quarantined records.");
            foreach (var entry in entries)
            {
                output.WriteLine($"  #{entry.Id} {entry.Source}{(entry.RecordId is null ? "" : $" record {entry.RecordId}")}: {entry.Reason}");
            }

            return AdapterCommandLine.Ok;
        }, ct));

        var showId = new Argument<long>("id") { Description = "The number quarantine list shows." };
        var show = new Command("show", "Show one quarantined record with its raw text (which holds patient data).") { showId };
        show.TreatUnmatchedTokensAsErrors = false;
        show.SetAction((parse, ct) => CommandHost.RunAsync(parse, error, async services =>
        {
            var entry = await services.GetRequiredService<IQuarantineStore>().GetQuarantinedAsync(parse.GetValue(showId), ct).ConfigureAwait(false);
            if (entry is null)
            {
                await error.WriteLineAsync($"No quarantined record #{parse.GetValue(showId)}.").ConfigureAwait(false);
                return AdapterCommandLine.Failures;
            }

            output.WriteLine($"#{entry.Id} {entry.Source}{(entry.RecordId is null ? "" : $" record {entry.RecordId}")}");
            output.WriteLine($"Field:       {entry.Field}");
            output.WriteLine($"Reason:      {entry.Reason}");
            output.WriteLine($"Quarantined: {entry.QuarantinedAt:u}; last seen {entry.LastSeenAt:u}; retried {entry.RetryCount} times");
            output.WriteLine(entry.RawText is null ? "Raw text:    (none: found while mapping or validating; retry remaps it)" : $"Raw text:\n{entry.RawText}");
            return AdapterCommandLine.Ok;
        }, ct));

        var retryId = new Argument<long?>("id") { Description = "The record to retry.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Retry every quarantined record." };
        var retry = new Command("retry", "Read a quarantined record again; if it is now valid it joins the pipeline.") { retryId, all };
        retry.TreatUnmatchedTokensAsErrors = false;
        retry.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(retryId) is null == !parse.GetValue(all))
            {
                await error.WriteLineAsync("quarantine retry takes an ID or --all.").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            return await CommandHost.RunAsync(parse, error, async services =>
            {
                var store = services.GetRequiredService<IAdapterStore>();
                var retrier = services.GetRequiredService<IQuarantineRetry>();
                var entries = new List<QuarantinedRecord>();
                if (parse.GetValue(retryId) is not { } id)
                {
                    entries.AddRange(await store.ListQuarantineAsync(int.MaxValue, ct).ConfigureAwait(false));
                }
                else if (await store.GetQuarantinedAsync(id, ct).ConfigureAwait(false) is { } one)
                {
                    entries.Add(one);
                }
                else
                {
                    await error.WriteLineAsync($"No quarantined record #{parse.GetValue(retryId)}.").ConfigureAwait(false);
                    return AdapterCommandLine.Failures;
                }

                var stillBad = 0;
                foreach (var entry in entries)
                {
                    var outcome = await retrier.RetryAsync(entry, ct).ConfigureAwait(false);
                    output.WriteLine($"  #{entry.Id}{(entry.RecordId is null ? "" : $" record {entry.RecordId}")}: {outcome.Message}");
                    stillBad += outcome.StillInvalid ? 1 : 0;
                }

                return stillBad == 0 ? AdapterCommandLine.Ok : AdapterCommandLine.Failures;
            }, ct).ConfigureAwait(false);
        });

        return new Command("quarantine", "Records that could not be used, and why.") { list, show, retry };
    }
}
