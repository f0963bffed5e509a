using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Core.Reading;
using FhirAdapter.Exchange.Options;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Store;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Leases;
using FhirAdapter.Worker.Scheduling;
using FhirAdapter.Worker.Sync;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Delivery;

/// <summary>
/// Sends each pending patient to each destination: only what the destination does not hold yet as it would be sent
/// now (<see cref="DeliveryPlanner"/>), the shared resources first and once (<see cref="SharedResourceWriter"/>).
/// The consent decision is made again at the door (a consent may have expired or been revoked since mapping): denied
/// work is cancelled, never sent. What goes out is labelled and carries the redisclosure notice; the outcome of every
/// resource and the accounting-of-disclosures entry are stored together. A destination new to the store is backfilled.
/// </summary>
internal sealed class DeliveryRunner(
    IAdapterStore store, IBundleSender sender, SharedResourceWriter shared, IOptions<ExchangeOptions> exchange, IOptions<StoreOptions> storeOptions,
    IOptions<WorkerOptions> options, DisclosureFilter filter, DisclosureAccounting accounting, TimeProvider time)
{
    public async Task<IReadOnlyList<DestinationReport>> DeliverAsync(string owner, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var destinations = exchange.Value.Destinations;
        if (destinations.Count == 0)
        {
            return [];
        }

        var backfills = await store.RegisterDestinationsAsync(
            [.. destinations.Select(d => new DestinationRegistration(d.Name, d.OrganizationId, d.BaseUrl))], cancellationToken).ConfigureAwait(false);
        var reports = new List<DestinationReport>();
        foreach (var destination in destinations)
        {
            var report = new DestinationReport(destination.Name) { Backfilled = backfills.FirstOrDefault(b => b.Destination == destination.Name)?.PatientsQueued ?? 0 };
            reports.Add(await DeliverToAsync(owner, destination, report, progress, cancellationToken).ConfigureAwait(false));
        }

        return reports;
    }

    /// <summary>
    /// Delivers every pending patient, a batch at a time: while one batch is being sent and recorded, the next is claimed
    /// and prepared, so that the destination is kept busy. Each patient is recorded as soon as its own send ends.
    /// </summary>
    private async Task<DestinationReport> DeliverToAsync(
        string owner, DestinationOptions destination, DestinationReport report, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var pending = (await store.CountDeliveriesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.Destination == destination.Name);
        var total = (int?)pending?.PendingPatients;
        var stage = report.Backfilled > 0 ? $"Backfilling {destination.Name}" : $"Delivering to {destination.Name}";
        var attempted = new HashSet<string>(StringComparer.Ordinal);
        var current = await NextBatchAsync(owner, destination, attempted, new HashSet<string>(), cancellationToken).ConfigureAwait(false);
        while (current is not null)
        {
            var next = NextBatchAsync(owner, destination, attempted, current.Keys, cancellationToken);
            try
            {
                report = report.Add(current.Denied).Add(await SendBatchAsync(owner, destination, current, cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                await (await next.ConfigureAwait(false) is { } orphan ? orphan.DisposeAsync() : ValueTask.CompletedTask).ConfigureAwait(false);
                throw;
            }
            finally
            {
                await current.DisposeAsync().ConfigureAwait(false);
            }

            progress?.Report(new SyncProgress(stage, attempted.Count, total is { } t ? Math.Max(t, attempted.Count) : null));
            current = await next.ConfigureAwait(false);
        }

        return report;
    }

    /// <summary>
    /// Claims and prepares the next patients not yet attempted in this pass, or null when there are none. The claim looks
    /// past the batch still in flight (whose patients are still pending, and leased to this owner already).
    /// </summary>
    private async Task<Batch?> NextBatchAsync(string owner, DestinationOptions destination, HashSet<string> attempted, IReadOnlySet<string> inFlight, CancellationToken cancellationToken)
    {
        var size = options.Value.DeliveryBatchSize;
        var leases = await store.ClaimPendingPatientsAsync(owner, destination.Name, size + inFlight.Count, cancellationToken).ConfigureAwait(false);
        List<PatientLease> fresh;
        lock (attempted)
        {
            fresh = [.. leases.Where(l => !inFlight.Contains(l.PatientKey) && attempted.Add(l.PatientKey)).Take(size)];
        }

        var freshKeys = fresh.Select(l => l.PatientKey).ToHashSet(StringComparer.Ordinal);
        var others = leases.Where(l => !freshKeys.Contains(l.PatientKey) && !inFlight.Contains(l.PatientKey)).Select(l => l.PatientKey).ToList();
        if (others.Count > 0)
        {
            // Attempted earlier in this pass and still pending (waiting for a retry): theirs is the next sync.
            await store.ReleaseAsync(owner, others, CancellationToken.None).ConfigureAwait(false);
        }

        if (fresh.Count == 0)
        {
            return null;
        }

        var batch = new Batch(store, owner, fresh, LeaseKeeper.For(store, owner, fresh, storeOptions, time), new DestinationReport(destination.Name));
        try
        {
            // Patients side by side, one per core: reading, filtering and hashing a patient's Bundle is CPU work.
            await Parallel.ForEachAsync(fresh, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                async (lease, ct) =>
                {
                    var (prepared, denied) = await PrepareAsync(lease, destination, ct).ConfigureAwait(false);
                    lock (batch)
                    {
                        batch.Denied = batch.Denied.Add(denied);
                        if (prepared is not null)
                        {
                            batch.Prepared.Add((lease, prepared));
                        }
                    }
                }).ConfigureAwait(false);
            return batch;
        }
        catch
        {
            await batch.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Writes the batch's shared resources, then sends each patient's Bundle and records its outcome as soon as it ends.
    /// The consent is decided again at the door, right before each Bundle goes (the batch may have waited since it was
    /// prepared), and before the shared resources are written, for the patients still permitted only.
    /// </summary>
    private async Task<DestinationReport> SendBatchAsync(string owner, DestinationOptions destination, Batch batch, CancellationToken cancellationToken)
    {
        var items = batch.Prepared.Select(p => (p.Lease, Ready: (Prepared?)p.Ready)).ToArray();
        var report = new DestinationReport(destination.Name);
        var resolution = await shared.EnsureAsync(owner, destination, [.. items.SelectMany(i => i.Ready!.Plan.Shared)], async ct =>
        {
            // Asked only when something must be written, once the lease is held (waiting for it may take long).
            report = report.Add(await DoorAsync(items, destination, ct).ConfigureAwait(false));
            return [.. items.Where(i => i.Ready is not null).SelectMany(i => i.Ready!.Plan.Shared)];
        }, cancellationToken).ConfigureAwait(false);
        report = report.Add(resolution.Report);
        await Parallel.ForEachAsync(items.Where(i => i.Ready is not null), new ParallelOptions { MaxDegreeOfParallelism = destination.MaxConcurrency, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                try
                {
                    var (ready, denied) = await DoorAsync(item.Lease, item.Ready!, destination, ct).ConfigureAwait(false);
                    var recorded = denied;
                    if (ready is not null)
                    {
                        var bundle = ready.Plan.Build(resolution.Resolved, Unresolved(resolution, ready.Plan));
                        var result = bundle is null ? null : await sender.SendAsync(destination.Name, bundle, ct).ConfigureAwait(false);
                        recorded = recorded.Add(await RecordAsync(owner, destination, item.Lease, ready.Plan, result, ready.Decision, ready.Mrn, ct).ConfigureAwait(false));
                    }

                    lock (batch)
                    {
                        report = report.Add(recorded);
                    }
                }
                catch (LeaseLostException)
                {
                    // Another worker took this patient over; it records (and if need be resends) the work itself. What the
                    // destination accepted is in the accounting already (RecordAsync).
                }
            }).ConfigureAwait(false);
        return report;
    }

    /// <summary>The door for every patient of a batch, side by side: each item is left as it is, prepared anew, or cleared (not permitted).</summary>
    private async Task<DestinationReport> DoorAsync((PatientLease Lease, Prepared? Ready)[] items, DestinationOptions destination, CancellationToken cancellationToken)
    {
        var report = new DestinationReport(destination.Name);
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Length).Where(i => items[i].Ready is not null),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    var (ready, denied) = await DoorAsync(items[i].Lease, items[i].Ready!, destination, ct).ConfigureAwait(false);
                    items[i] = (items[i].Lease, ready);
                    lock (items)
                    {
                        report = report.Add(denied);
                    }
                }
                catch (LeaseLostException)
                {
                    // Another worker took this patient over (while preparing it anew): its work is theirs now.
                    items[i] = (items[i].Lease, null);
                }
            }).ConfigureAwait(false);
        return report;
    }

    /// <summary>
    /// The consent decided again now, from the patient's current consents (one store read): the plan as prepared while it
    /// releases the same; prepared anew when it releases something else; none when it denies (the pending work is then
    /// cancelled, as at preparation).
    /// </summary>
    private async Task<(Prepared? Ready, DestinationReport Denied)> DoorAsync(PatientLease lease, Prepared ready, DestinationOptions destination, CancellationToken cancellationToken)
    {
        if (ready.Decision is not { } prepared)
        {
            // The questionnaires: no patient's, no consent.
            return (ready, new DestinationReport(destination.Name));
        }

        // The consents alone: the decision reads nothing else, and the door comes before every send.
        var consents = (await store.GetCurrentRecordsAsync(lease.PatientKey, RecordKind.Consent, cancellationToken).ConfigureAwait(false)).Select(r => r.ToClinicRecord());
        var decision = ConsentDecider.Decide(consents, destination.OrganizationId, DisclosurePurpose.Treatment, time.GetUtcNow());
        if (!decision.IsPermitted)
        {
            return (null, await DenyAsync(lease.PatientKey, destination, decision, cancellationToken).ConfigureAwait(false));
        }

        return ReleasesTheSame(decision, prepared) ? (ready, new DestinationReport(destination.Name)) : await PrepareAsync(lease, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether two permits let the same go under the same consents (what the filter, the labels and the accounting rest on).</summary>
    private static bool ReleasesTheSame(ConsentDecision now, ConsentDecision prepared) =>
        now.ConsentRecordId == prepared.ConsentRecordId && now.IsTpoConsent == prepared.IsTpoConsent
        && now.WithholdCounselingNotes == prepared.WithholdCounselingNotes && now.CounselingNotesConsentRecordId == prepared.CounselingNotesConsentRecordId;

    /// <summary>The shared resources' outcomes for a plan; one prepared anew at the door may need one the batch did not write: it waits.</summary>
    private static IReadOnlyDictionary<string, DeliveryPlan.Missing> Unresolved(SharedResourceWriter.Resolution resolution, DeliveryPlan plan)
    {
        var unknown = plan.Shared.Where(n => !resolution.Resolved.ContainsKey(n.FullUrl) && !resolution.Unresolved.ContainsKey(n.FullUrl)).ToList();
        if (unknown.Count == 0)
        {
            return resolution.Unresolved;
        }

        var unresolved = new Dictionary<string, DeliveryPlan.Missing>(resolution.Unresolved, StringComparer.Ordinal);
        foreach (var need in unknown)
        {
            unresolved[need.FullUrl] = new DeliveryPlan.Missing(DeliveryStatus.RetryLater, $"{need.ResourceType} {need.Identifier[(need.Identifier.LastIndexOf('|') + 1)..]}");
        }

        return unresolved;
    }

    /// <summary>A batch of claimed patients: their leases (kept renewed until disposed, then given back) and what is ready to send.</summary>
    private sealed class Batch(IAdapterStore store, string owner, IReadOnlyList<PatientLease> leases, LeaseKeeper keeper, DestinationReport denied) : IAsyncDisposable
    {
        public IReadOnlySet<string> Keys { get; } = leases.Select(l => l.PatientKey).ToHashSet(StringComparer.Ordinal);

        public List<(PatientLease Lease, Prepared Ready)> Prepared { get; } = [];

        /// <summary>What was decided while preparing: withheld at the door, patients not permitted.</summary>
        public DestinationReport Denied { get; set; } = denied;

        public async ValueTask DisposeAsync()
        {
            await keeper.DisposeAsync().ConfigureAwait(false);
            await store.ReleaseAsync(owner, [.. Keys], CancellationToken.None).ConfigureAwait(false);
        }
    }

    private sealed record Prepared(DeliveryPlan Plan, ConsentDecision? Decision, string? Mrn);

    /// <summary>
    /// The plan of what to send; or none when the patient's consent no longer permits it (the pending work is then
    /// cancelled and counted as withheld) or a resource of theirs failed validation (nothing of theirs goes).
    /// </summary>
    private async Task<(Prepared? Ready, DestinationReport Denied)> PrepareAsync(PatientLease lease, DestinationOptions destination, CancellationToken cancellationToken)
    {
        var none = new DestinationReport(destination.Name);
        var key = lease.PatientKey;
        var resources = await store.GetResourcesAsync(key, cancellationToken).ConfigureAwait(false);
        if (resources.Count == 0 || resources.Any(r => !r.Validation.IsValid))
        {
            // Queued (by a backfill) with nothing to send, or while a resource is invalid: it waits for a mapping that validates.
            await store.RecordDeliveryAsync(new DeliveryReport(destination.Name, key, []) { LeaseOwner = lease.Owner, QueueSequence = lease.Generation }, cancellationToken)
                .ConfigureAwait(false);
            return (null, none);
        }

        var states = await store.GetDeliveryStatesAsync(destination.Name, key, cancellationToken).ConfigureAwait(false);
        var removed = await store.GetRemovedResourcesAsync(key, cancellationToken).ConfigureAwait(false);
        if (key == StoreKeys.Questionnaires)
        {
            return (new Prepared(DeliveryPlanner.Plan(key, StoredBundles.FromStored(resources), resources, removed, states, null), null, null), none);
        }

        var (records, decision) = await DecideAsync(key, destination, cancellationToken).ConfigureAwait(false);
        if (!decision.IsPermitted)
        {
            return (null, await DenyAsync(key, destination, decision, cancellationToken).ConfigureAwait(false));
        }

        // Parsed only now: reading resources back is most of a patient's preparation, and a patient not permitted needs none.
        var bundle = StoredBundles.FromStored(resources);

        if (!filter.Carries(bundle, decision))
        {
            // The consent it rests on is held for its patient's intake: nothing of theirs goes until it is mapped.
            await store.RecordDeliveryAsync(new DeliveryReport(destination.Name, key, []) { LeaseOwner = lease.Owner, QueueSequence = lease.Generation }, cancellationToken)
                .ConfigureAwait(false);
            return (null, none);
        }

        var mapped = new PatientBundle(key, bundle, [.. records.Select(r => r.RecordId)]);
        var sensitivity = SensitivityClassifier.Classify(bundle);
        var prepared = filter.PrepareBundle(mapped, decision, sensitivity);
        var plan = DeliveryPlanner.Plan(key, prepared, resources, removed, states, sensitivity);
        return (new Prepared(plan, decision, records.Select(r => r.PatientMrn).OfType<string>().First()), none);
    }

    /// <summary>The consent decision for the destination at this moment, from the patient's current records.</summary>
    private async Task<(List<ClinicRecord> Records, ConsentDecision Decision)> DecideAsync(string key, DestinationOptions destination, CancellationToken cancellationToken)
    {
        var records = (await store.GetCurrentRecordsAsync(key, cancellationToken).ConfigureAwait(false)).Select(r => r.ToClinicRecord()).ToList();
        return (records, ConsentDecider.Decide(records, destination.OrganizationId, DisclosurePurpose.Treatment, time.GetUtcNow()));
    }

    /// <summary>Cancels a patient's pending work at the destination (the decision's reason stored with it); counts it as withheld, not permitted.</summary>
    private async Task<DestinationReport> DenyAsync(string key, DestinationOptions destination, ConsentDecision decision, CancellationToken cancellationToken)
    {
        var cancelled = await store.CancelPendingAsync(key, destination.Name, decision.Reason, cancellationToken).ConfigureAwait(false);
        return new DestinationReport(destination.Name) { Withheld = cancelled, NotPermitted = 1 };
    }

    /// <summary>Stores the outcome of one patient's delivery and its disclosure; returns what it counts for the report.</summary>
    private async Task<DestinationReport> RecordAsync(
        string owner, DestinationOptions destination, PatientLease lease, DeliveryPlan plan, DestinationResult? result, ConsentDecision? decision, string? mrn,
        CancellationToken cancellationToken)
    {
        var outcomes = new List<DeliveryOutcome>(plan.Decided);
        if (result is not null)
        {
            // Build left in the plan exactly the items it put in the Bundle, in order.
            outcomes.AddRange(plan.Items.Select((item, i) =>
                Outcome(result.Entries[i], item.ResourceType, item.Identifier, item.ContentHash, item.SentHash, item.IsWithdrawal)));
        }

        Store.Disclosures.Disclosure? disclosure = null;
        var disclosed = result is null ? [] : plan.Items.Where((_, i) => result.Entries[i].Outcome == EntryOutcome.Sent && plan.Items[i].Entry.Resource is not null)
            .Select(item => item.Entry.Resource!).ToList();
        if (decision is not null && disclosed.Count > 0)
        {
            var record = accounting.Record(lease.PatientKey, mrn!, decision, DisclosureChannel.Push, disclosed, time.GetUtcNow());
            disclosure = new Store.Disclosures.Disclosure(record.Id, record.PatientKey, record.OrganizationId, record.Purpose.RecordCode(),
                record.ConsentRecordId, DisclosureChannel.Push, record.Time, record.ResourceIds, record.AuditEventJson);
        }

        try
        {
            await store.RecordDeliveryAsync(new DeliveryReport(destination.Name, lease.PatientKey, outcomes)
            {
                Disclosure = disclosure,
                LeaseOwner = owner,
                QueueSequence = lease.Generation,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLostException) when (disclosure is not null)
        {
            // What the destination accepted is disclosed whoever holds the lease now: the accounting entry is recorded on
            // its own (its id comes from the facts, so a second report of it keeps the first). The delivery state is the
            // new owner's to record.
            await store.RecordDisclosureAsync(disclosure, cancellationToken).ConfigureAwait(false);
            throw;
        }

        return Tally(destination.Name, outcomes, plan.Describe) with { Unchanged = plan.Unchanged };
    }

    /// <summary>The store's outcome for one entry's result.</summary>
    internal static DeliveryOutcome Outcome(EntryResult entry, string type, string identifier, string contentHash, string sentHash, bool withdrawal) => new(
        type,
        identifier,
        contentHash,
        entry.Outcome switch
        {
            EntryOutcome.Sent => withdrawal ? DeliveryStatus.Withdrawn : DeliveryStatus.Sent,
            EntryOutcome.Rejected => DeliveryStatus.Rejected,
            EntryOutcome.Conflict => DeliveryStatus.Conflict,
            EntryOutcome.Blocked => DeliveryStatus.Blocked,
            _ => DeliveryStatus.RetryLater,
        },
        SentHash: sentHash,
        ServerId: entry.ServerId,
        ServerVersion: entry.VersionId,
        Reason: entry.Reason);

    /// <summary>Counts outcomes for the report; rejections named by type and identifier value (never an MRN).</summary>
    internal static DestinationReport Tally(string destination, IReadOnlyList<DeliveryOutcome> outcomes, Func<string, string, string> describe) => new(destination)
    {
        Sent = outcomes.Count(o => o.Kind == DeliveryStatus.Sent),
        WaitingForRetry = outcomes.Count(o => o.Kind == DeliveryStatus.RetryLater),
        Conflicts = outcomes.Count(o => o.Kind == DeliveryStatus.Conflict),
        Rejected = outcomes.Count(o => o.Kind == DeliveryStatus.Rejected),
        Blocked = outcomes.Count(o => o.Kind == DeliveryStatus.Blocked),
        Withheld = outcomes.Count(o => o.Kind == DeliveryStatus.Withheld),
        Withdrawn = outcomes.Count(o => o.Kind == DeliveryStatus.Withdrawn),
        Rejections = [.. outcomes.Where(o => o.Kind == DeliveryStatus.Rejected)
            .Select(o => $"{destination}: {describe(o.ResourceType, o.Identifier)}: {o.Reason ?? "rejected"}")],
    };
}
