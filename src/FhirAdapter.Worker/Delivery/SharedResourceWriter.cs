using FhirAdapter.Exchange.Options;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Store;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Worker.Sync;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Delivery;

/// <summary>
/// Writes the resources many patients share (a Practitioner) to a destination once, and again only when their content
/// changes, before the Bundles that refer to them go; one writer per destination across instances (the destination's
/// shared-resources lease), so that two never create the same one at once. Patients' Bundles then refer to them by
/// the destination's id.
/// </summary>
internal sealed class SharedResourceWriter(IAdapterStore store, IBundleSender sender, IOptions<StoreOptions> storeOptions, TimeProvider time)
{
    private static readonly TimeSpan LeasePoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The shared resources' ids at the destination (by each Bundle's fullUrl for them), what could not be
    /// written, and what this call wrote.</summary>
    public sealed record Resolution(
        IReadOnlyDictionary<string, string> Resolved, IReadOnlyDictionary<string, DeliveryPlan.Missing> Unresolved, DestinationReport Report);

    /// <param name="beforeWrite">
    /// Called only when something must be written, once the lease is held, right before the write: the needs that still
    /// hold then (those of the patients the consent still lets through).
    /// </param>
    public async Task<Resolution> EnsureAsync(
        string owner, DestinationOptions destination, IReadOnlyList<DeliveryPlan.SharedNeed> needs,
        Func<CancellationToken, Task<IReadOnlyList<DeliveryPlan.SharedNeed>>> beforeWrite, CancellationToken cancellationToken)
    {
        var report = new DestinationReport(destination.Name);
        if (needs.Count == 0)
        {
            return new Resolution(new Dictionary<string, string>(), new Dictionary<string, DeliveryPlan.Missing>(), report);
        }

        var candidates = Candidates(needs);
        var states = await StatesAsync(destination, cancellationToken).ConfigureAwait(false);
        if (candidates.Any(c => MustWrite(c, states.GetValueOrDefault((c.ResourceType, c.Identifier)))))
        {
            var key = StoreKeys.SharedResources(destination.Name);
            await using (await LeaseAsync(owner, key, cancellationToken).ConfigureAwait(false))
            {
                // Another instance may have written them while this one waited for the lease.
                states = await StatesAsync(destination, cancellationToken).ConfigureAwait(false);
                needs = await beforeWrite(cancellationToken).ConfigureAwait(false);
                candidates = Candidates(needs);
                var write = candidates.Where(c => MustWrite(c, states.GetValueOrDefault((c.ResourceType, c.Identifier)))).ToList();
                if (write.Count > 0)
                {
                    report = await WriteAsync(owner, destination, write, states, cancellationToken).ConfigureAwait(false);
                    states = await StatesAsync(destination, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var unresolved = new Dictionary<string, DeliveryPlan.Missing>(StringComparer.Ordinal);
        foreach (var need in needs)
        {
            var state = states.GetValueOrDefault((need.ResourceType, need.Identifier));
            if (state is { ServerId: { } id, SentHash: not null })
            {
                // The destination holds it (in this version or, when the newer one could not be written yet, an earlier one).
                resolved[need.FullUrl] = $"{need.ResourceType}/{id}";
            }
            else
            {
                var what = $"{need.ResourceType} {need.Identifier[(need.Identifier.LastIndexOf('|') + 1)..]}";
                unresolved[need.FullUrl] = new DeliveryPlan.Missing(state?.Status is DeliveryStatus.Rejected ? DeliveryStatus.Blocked : DeliveryStatus.RetryLater, what);
            }
        }

        return new Resolution(resolved, unresolved, report);
    }

    /// <summary>One candidate per resource: of two versions in different patients' Bundles, the one mapped last.</summary>
    private static List<DeliveryPlan.SharedNeed> Candidates(IReadOnlyList<DeliveryPlan.SharedNeed> needs) =>
        [.. needs.GroupBy(n => (n.ResourceType, n.Identifier)).Select(g => g.MaxBy(n => n.MappedAt)!)];

    /// <summary>Not held yet, not held as the latest mapping has it, or waiting after a failed write; never the same content again after a rejection.</summary>
    private static bool MustWrite(DeliveryPlan.SharedNeed candidate, DeliveryState? state) => state switch
    {
        null => true,
        { Status: DeliveryStatus.Rejected } => state.ContentHash != candidate.SentHash,
        { Status: DeliveryStatus.RetryLater or DeliveryStatus.Conflict } => true,
        { SentHash: null } => true,
        _ => state.SentHash != candidate.SentHash && candidate.MappedAt > (state.SentAt ?? DateTimeOffset.MinValue),
    };

    private async Task<DestinationReport> WriteAsync(
        string owner, DestinationOptions destination, List<DeliveryPlan.SharedNeed> write, Dictionary<(string, string), DeliveryState> states, CancellationToken cancellationToken)
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry = [.. write.Select(c => new Bundle.EntryComponent
            {
                FullUrl = c.FullUrl,
                Resource = c.Resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = c.RequestUrl },
            })],
        };
        var known = write.Select(c => (c, s: states.GetValueOrDefault((c.ResourceType, c.Identifier))))
            .Where(x => x.s?.ServerId is not null)
            .ToDictionary(x => x.c.FullUrl, x => new ServerVersion(x.c.ResourceType, x.s!.ServerId!, x.s.ServerVersion), StringComparer.Ordinal);
        var result = await sender.SendAsync(destination.Name, new OutgoingBundle(StoreKeys.Shared, bundle) { Known = known }, cancellationToken).ConfigureAwait(false);
        var outcomes = write.Select((c, i) => DeliveryRunner.Outcome(result.Entries[i], c.ResourceType, c.Identifier, c.SentHash, c.SentHash, withdrawal: false)).ToList();
        await store.RecordSharedDeliveryAsync(destination.Name, outcomes, owner, cancellationToken).ConfigureAwait(false);
        return DeliveryRunner.Tally(destination.Name, outcomes, (type, identifier) => $"{type} {identifier[(identifier.LastIndexOf('|') + 1)..]}");
    }

    private async Task<Dictionary<(string, string), DeliveryState>> StatesAsync(DestinationOptions destination, CancellationToken cancellationToken) =>
        (await store.GetSharedDeliveryStatesAsync(destination.Name, cancellationToken).ConfigureAwait(false)).ToDictionary(s => (s.ResourceType, s.Identifier));

    /// <summary>
    /// Waits for the lease (held by another instance, or by a crashed one until it expires) and keeps it renewed until disposed.
    /// </summary>
    private async Task<IAsyncDisposable> LeaseAsync(string owner, string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await store.TryClaimPatientAsync(owner, key, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return new HeldLease(store, owner, key, LeaseKeeper.For(store, owner, [lease], storeOptions, time));
            }

            await System.Threading.Tasks.Task.Delay(LeasePoll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class HeldLease(IAdapterStore store, string owner, string key, LeaseKeeper keeper) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await keeper.DisposeAsync().ConfigureAwait(false);
            await store.ReleaseAsync(owner, [key], CancellationToken.None).ConfigureAwait(false);
        }
    }
}
