using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Exchange.Options;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Store;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Leases;
using FhirAdapter.Worker.Scheduling;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using MappedBundle = FhirAdapter.Core.Mapping.PatientBundle;
using SendBundle = FhirAdapter.Exchange.Sending.PatientBundle;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// Sends each patient's pending work to each destination. The consent decision is made again at the door
/// (a consent may have expired or been revoked since mapping): denied work is cancelled, never sent. What
/// goes out is the patient's labelled Bundle with the redisclosure notice; the outcome of every entry and
/// the accounting-of-disclosures entry are stored together.
/// </summary>
internal sealed class DeliveryRunner(
    IAdapterStore store, IBundleSender sender, IOptions<ExchangeOptions> exchange, IOptions<StoreOptions> storeOptions, IOptions<WorkerOptions> options,
    DisclosureFilter filter, DisclosureAccounting accounting, TimeProvider time)
{

    public sealed record Rejection(string Destination, string What, string Reason);

    public sealed record Counts(int Sent, int WaitingForRetry, int Rejected, int Withheld, IReadOnlyList<Rejection> Rejections)
    {
        public Counts Add(Counts other) => new(
            Sent + other.Sent, WaitingForRetry + other.WaitingForRetry, Rejected + other.Rejected, Withheld + other.Withheld, [.. Rejections, .. other.Rejections]);
    }

    public async Task<Counts> DeliverAsync(string owner, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var total = new Counts(0, 0, 0, 0, []);
        foreach (var destination in exchange.Value.Destinations)
        {
            var attempted = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var leases = await store.ClaimPendingPatientsAsync(owner, destination.Name, options.Value.DeliveryBatchSize, cancellationToken).ConfigureAwait(false);
                var fresh = leases.Where(l => attempted.Add(l.PatientKey)).ToList();
                var keeper = LeaseKeeper.For(store, owner, leases, storeOptions, time);
                try
                {
                    if (fresh.Count == 0)
                    {
                        break;
                    }

                    // Bundles that would create a shared resource the destination does not have yet go one at a time,
                    // under the destination's shared-resources lease (across instances), each recorded before the next;
                    // the rest go side by side.
                    List<Prepared> together = [], creating = [];
                    foreach (var lease in fresh)
                    {
                        var (ready, cancelled) = await PrepareAsync(lease, destination, cancellationToken).ConfigureAwait(false);
                        total = total with { Withheld = total.Withheld + cancelled };
                        if (ready is not null)
                        {
                            (await CreatesSharedAsync(ready.Bundle, destination, cancellationToken).ConfigureAwait(false) ? creating : together).Add(ready);
                        }
                    }

                    progress?.Report(new SyncProgress($"Delivering to {destination.Name}", attempted.Count - fresh.Count, null));
                    total = total.Add(await SendAndRecordAsync(together, destination, owner, cancellationToken).ConfigureAwait(false));
                    foreach (var one in creating)
                    {
                        await using var shared = await SharedResourcesLeaseAsync(owner, destination, cancellationToken).ConfigureAwait(false);
                        total = total.Add(await SendAndRecordAsync([one], destination, owner, cancellationToken).ConfigureAwait(false));
                    }
                }
                finally
                {
                    await keeper.DisposeAsync().ConfigureAwait(false);
                    if (leases.Count > 0)
                    {
                        await store.ReleaseAsync(owner, [.. leases.Select(l => l.PatientKey)], CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        }

        return total;
    }

    /// <summary>Sends the Bundles side by side and stores each one's outcome with its disclosure.</summary>
    private async Task<Counts> SendAndRecordAsync(IReadOnlyList<Prepared> prepared, DestinationOptions destination, string owner, CancellationToken cancellationToken)
    {
        int sent = 0, waiting = 0, rejected = 0, withheld = 0;
        var rejections = new List<Rejection>();
        if (prepared.Count == 0)
        {
            return new Counts(0, 0, 0, 0, []);
        }

        var results = await sender.SendManyAsync(prepared.Select(p => new SendBundle(p.Lease.PatientKey, p.Bundle, [destination.Name])), cancellationToken)
            .ConfigureAwait(false);
        for (var i = 0; i < prepared.Count; i++)
        {
            var entries = results[i].Destinations.Single().Entries;
            sent += entries.Count(e => e.Outcome == EntryOutcome.Sent);
            waiting += entries.Count(e => e.Outcome == EntryOutcome.RetryLater);
            rejected += entries.Count(e => e.Outcome == EntryOutcome.Rejected);
            rejections.AddRange(entries.Where(e => e.Outcome == EntryOutcome.Rejected)
                .Select(e => new Rejection(destination.Name, Describe(e, prepared[i].Lease.PatientKey), e.Reason ?? "rejected")));
            try
            {
                withheld += await RecordAsync(prepared[i], destination, entries, owner, cancellationToken).ConfigureAwait(false);
            }
            catch (LeaseLostException)
            {
                // Another worker took this patient over; it records (and if need be resends) the work itself.
            }
        }

        return new Counts(sent, waiting, rejected, withheld, rejections);
    }

    /// <summary>Whether the Bundle holds a shared resource (see <see cref="SharedResources"/>) that the destination is not known to have.</summary>
    private async Task<bool> CreatesSharedAsync(Bundle bundle, DestinationOptions destination, CancellationToken cancellationToken)
    {
        foreach (var entry in bundle.Entry.Where(e => SharedResources.IsShared(e.Resource!.TypeName)))
        {
            if (await store.FindByRequestUrlAsync(destination.Name, entry.Request!.Url!, cancellationToken).ConfigureAwait(false) is not { ServerId: not null })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Waits for the destination's shared-resources lease (held by another instance, or by a crashed one until it
    /// expires) and keeps it renewed until disposed.
    /// </summary>
    private async Task<IAsyncDisposable> SharedResourcesLeaseAsync(string owner, DestinationOptions destination, CancellationToken cancellationToken)
    {
        var key = StoreKeys.SharedResources(destination.Name);
        while (true)
        {
            if (await store.TryClaimPatientAsync(owner, key, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return new SharedLease(store, owner, key, LeaseKeeper.For(store, owner, [lease], storeOptions, time));
            }

            await System.Threading.Tasks.Task.Delay(SharedLeasePoll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan SharedLeasePoll = TimeSpan.FromMilliseconds(200);

    private sealed class SharedLease(IAdapterStore store, string owner, string key, LeaseKeeper keeper) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await keeper.DisposeAsync().ConfigureAwait(false);
            await store.ReleaseAsync(owner, [key], CancellationToken.None).ConfigureAwait(false);
        }
    }

    private sealed record Prepared(PatientLease Lease, Bundle Bundle, IReadOnlyDictionary<string, FhirAdapter.Store.Patients.StoredResource> ByUrl, ConsentDecision? Decision, string? Mrn);

    /// <summary>
    /// The Bundle to send; or none when the patient's consent no longer permits it, and then how many resources of
    /// pending work were cancelled (they count as withheld).
    /// </summary>
    private async Task<(Prepared? Ready, int Cancelled)> PrepareAsync(PatientLease lease, DestinationOptions destination, CancellationToken cancellationToken)
    {
        var resources = await store.GetResourcesAsync(lease.PatientKey, cancellationToken).ConfigureAwait(false);
        var byUrl = resources.ToDictionary(r => r.RequestUrl, StringComparer.Ordinal);
        var bundle = StoredBundles.FromStored(resources);
        if (lease.PatientKey == StoreKeys.Questionnaires)
        {
            return (new Prepared(lease, bundle, byUrl, null, null), 0);
        }

        var records = (await store.GetCurrentRecordsAsync(lease.PatientKey, cancellationToken).ConfigureAwait(false)).Select(r => r.ToExportRecord()).ToList();
        var decision = ConsentDecider.Decide(records, destination.OrganizationId, DisclosurePurpose.Treatment, time.GetUtcNow());
        if (!decision.IsPermitted)
        {
            return (null, await store.CancelPendingAsync(lease.PatientKey, destination.Name, decision.Reason, cancellationToken).ConfigureAwait(false));
        }

        var prepared = filter.PrepareBundle(new MappedBundle(lease.PatientKey, bundle, [.. records.Select(r => r.RecordId)]), decision);
        return (new Prepared(lease, prepared, byUrl, decision, records.Select(r => r.PatientMrn).OfType<string>().First()), 0);
    }

    /// <summary>Stores the outcomes of one send and its disclosure; returns how many resources the consent filter withheld.</summary>
    private async Task<int> RecordAsync(Prepared prepared, DestinationOptions destination, IReadOnlyList<EntryResult> entries, string owner, CancellationToken cancellationToken)
    {
        // Entries the disclosure added (the notice Provenance) are not mapped resources: they have no row to update.
        var outcomes = entries.Where(e => prepared.ByUrl.ContainsKey(e.ResourceKey)).Select(e =>
        {
            var stored = prepared.ByUrl[e.ResourceKey];
            var kind = e.Outcome switch
            {
                EntryOutcome.Sent => DeliveryOutcomeKind.Sent,
                EntryOutcome.Rejected => DeliveryOutcomeKind.Rejected,
                _ => DeliveryOutcomeKind.RetryLater,
            };
            return new DeliveryOutcome(stored.ResourceType, stored.Identifier, stored.ContentHash, kind, e.ServerId, e.VersionId, e.Reason);
        }).ToList();

        // What the consent filter left out of the Bundle is withheld: cancelled, not left pending.
        var inBundle = prepared.Bundle.Entry.Select(e => e.Request!.Url!).ToHashSet(StringComparer.Ordinal);
        outcomes.AddRange(prepared.ByUrl.Values.Where(r => !inBundle.Contains(r.RequestUrl)).Select(r =>
            new DeliveryOutcome(r.ResourceType, r.Identifier, r.ContentHash, DeliveryOutcomeKind.Withheld, Reason: "withheld: the patient's consent does not cover it for this organization")));

        FhirAdapter.Store.Disclosures.Disclosure? disclosure = null;
        var sentUrls = entries.Where(e => e.Outcome == EntryOutcome.Sent).Select(e => e.FullUrl).ToHashSet(StringComparer.Ordinal);
        if (prepared.Decision is { } decision && sentUrls.Count > 0)
        {
            var disclosed = prepared.Bundle.Entry.Where(e => sentUrls.Contains(e.FullUrl!)).Select(e => e.Resource!);
            var record = accounting.Record(prepared.Lease.PatientKey, prepared.Mrn!, decision, DisclosureChannel.Push, disclosed, time.GetUtcNow());
            disclosure = new FhirAdapter.Store.Disclosures.Disclosure(record.Id, record.PatientKey, record.OrganizationId, record.Purpose.ExportCode(),
                record.ConsentRecordId, FhirAdapter.Store.Disclosures.DisclosureChannel.Push, record.Time, record.ResourceIds, record.AuditEventJson);
        }

        await store.RecordDeliveryAsync(new DeliveryReport(destination.Name, prepared.Lease.PatientKey, outcomes) { Disclosure = disclosure, LeaseOwner = owner }, cancellationToken)
            .ConfigureAwait(false);
        return outcomes.Count(o => o.Kind == DeliveryOutcomeKind.Withheld);
    }

    /// <summary>What a rejected entry was, without patient data (a Patient's conditional URL holds the MRN).</summary>
    private static string Describe(EntryResult entry, string patientKey) =>
        entry.ResourceType == "Patient" ? $"Patient of {patientKey}" : $"{entry.ResourceType} {StoredBundles.IdentityOf(entry.ResourceKey).Split('|').Last()}";
}
