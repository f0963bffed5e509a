using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Exchange.Options;
using FhirAdapter.Store;
using FhirAdapter.Store.Leases;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Quarantine;
using FhirAdapter.Validation;
using FhirAdapter.Worker.Scheduling;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// Maps and validates every patient whose records changed, and stores the result with the delivery work
/// for each destination the patient's consent allows. A patient with a resource that fails validation
/// goes nowhere (the rest of their Bundle waits rather than going out half) and the failure is
/// quarantined with the validator's message.
/// </summary>
internal sealed class PatientRemapper(
    IAdapterStore store, RecordMapper mapper, ResourceValidator validator, IOptions<ExchangeOptions> exchange, IOptions<WorkerOptions> options, TimeProvider time)
{

    /// <param name="Unchanged">Resources mapped exactly as before, whose earlier outcome stood (not validated again).</param>
    public sealed record Counts(int Patients, int Resources, int Invalid, int Held, int Rejected, int Unchanged = 0)
    {
        /// <summary>Per destination, the patients mapped whose consent does not permit it.</summary>
        public IReadOnlyDictionary<string, int> NotPermitted { get; init; } = new Dictionary<string, int>();

        public Counts Add(Counts other) => new(
            Patients + other.Patients, Resources + other.Resources, Invalid + other.Invalid, Held + other.Held, Rejected + other.Rejected, Unchanged + other.Unchanged)
        {
            NotPermitted = NotPermitted.Concat(other.NotPermitted).GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(p => p.Value), StringComparer.Ordinal),
        };
    }

    public async Task<Counts> RemapDirtyAsync(string owner, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var total = new Counts(0, 0, 0, 0, 0);
        var done = 0;
        var gate = new object();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, ClinicRecord>? forms = null; // read once per pass: the inbox was read before mapping starts
        ILookup<string, (long Id, QuarantineEntry Entry)>? entries = null; // the same: mapping entries by recordId
        while (true)
        {
            var leases = await store.ClaimDirtyPatientsAsync(owner, options.Value.RemapBatchSize, cancellationToken).ConfigureAwait(false);
            // Given back however the batch ends: a shutdown mid-batch must not leave the patients it did not map leased
            // (to a process that is gone) until the lease expires.
            try
            {
                var fresh = leases.Where(l => seen.Add(l.PatientKey)).ToList();
                if (fresh.Count == 0)
                {
                    break;
                }

                if (forms is null && fresh.Any(l => l.PatientKey != StoreKeys.Questionnaires))
                {
                    forms = await CurrentFormsAsync(cancellationToken).ConfigureAwait(false);
                }

                entries ??= (await store.ListQuarantineAsync(int.MaxValue, cancellationToken).ConfigureAwait(false))
                    .Where(q => q.MadeByMapping).ToLookup(q => q.RecordId!, q => (q.Id, q.AsEntry()), StringComparer.Ordinal);

                // Patients side by side, one per core, each validated on its own thread: the store reads and writes and
                // the mapping of one patient then overlap the validation of another, which one patient split over the
                // cores cannot do. A batch of one patient still gets every core for its validation.
                var parallel = Math.Min(Environment.ProcessorCount, fresh.Count);
                var validationThreads = Math.Max(1, Environment.ProcessorCount / parallel);
                await Parallel.ForEachAsync(fresh, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (lease, ct) =>
                {
                    try
                    {
                        var counts = lease.PatientKey == StoreKeys.Questionnaires
                            ? await MapQuestionnairesAsync(lease, owner, entries, validationThreads, ct).ConfigureAwait(false)
                            : await MapPatientAsync(lease, owner, forms!, entries, validationThreads, ct).ConfigureAwait(false);
                        lock (gate)
                        {
                            total = total.Add(counts);
                        }
                    }
                    catch (LeaseLostException)
                    {
                        // Another worker took this patient over after our lease expired; it maps it instead.
                    }

                    progress?.Report(new SyncProgress("Mapping and validating", Interlocked.Increment(ref done), null));
                }).ConfigureAwait(false);
            }
            finally
            {
                await ReleaseAsync(owner, leases).ConfigureAwait(false);
            }
        }

        return total;
    }

    private async Task<Counts> MapPatientAsync(
        PatientLease lease, string owner, IReadOnlyDictionary<string, ClinicRecord> forms, ILookup<string, (long Id, QuarantineEntry Entry)> entries,
        int validationThreads, CancellationToken cancellationToken)
    {
        var stored = await store.GetCurrentRecordsAsync(lease.PatientKey, cancellationToken).ConfigureAwait(false);
        var records = stored.Select(s => s.ToClinicRecord()).ToList();
        var result = records.Count == 0 ? null : mapper.MapPatient(stored[0].PatientMrn!, records, forms);

        var (resources, unchanged) = result?.Bundle is { } bundle
            ? await StoredBundles.ToStoredAsync(bundle.Bundle, validator, validationThreads, await store.GetResourcesAsync(lease.PatientKey, cancellationToken).ConfigureAwait(false))
                .ConfigureAwait(false)
            : ([], 0);
        var invalid = resources.Where(r => !r.Validation.IsValid).ToList();
        var rejectedRecords = (result?.Rejected ?? []).GroupBy(e => (e.Source, e.RecordId)).Select(g => QuarantineEntry.FromErrors([.. g], null)).ToList();
        var quarantine = rejectedRecords.Concat(invalid.Select(r => InvalidResourceEntry(r, records))).ToList();
        await QuarantineAsync(quarantine, records, entries, cancellationToken).ConfigureAwait(false);

        var decisions = records.Count == 0 ? [] : Decide(records);
        var notPermitted = decisions.Where(d => !d.Decision.IsPermitted).ToDictionary(d => d.Destination, d => d.Decision.Reason, StringComparer.Ordinal);
        List<string> destinations = invalid.Count > 0 ? [] : [.. decisions.Where(d => d.Decision.IsPermitted).Select(d => d.Destination)];
        var held = (result?.Held ?? []).Select(HeldEntry.From).ToList();
        await store.SavePatientMappingAsync(
            new PatientMapping(lease.PatientKey, lease.Generation, resources, held, destinations) { LeaseOwner = owner, NotPermitted = notPermitted }, cancellationToken)
            .ConfigureAwait(false);
        return new Counts(resources.Count > 0 ? 1 : 0, resources.Count, invalid.Count, held.Count, rejectedRecords.Count, unchanged)
        {
            NotPermitted = notPermitted.Keys.ToDictionary(d => d, _ => 1, StringComparer.Ordinal),
        };
    }

    private async Task<Counts> MapQuestionnairesAsync(
        PatientLease lease, string owner, ILookup<string, (long Id, QuarantineEntry Entry)> entries, int validationThreads, CancellationToken cancellationToken)
    {
        var rejected = new List<RecordError>();
        var stored = (await store.GetCurrentFormsAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.ToClinicRecord()).ToList();
        var forms = RecordMapper.CurrentForms(stored, rejected);
        var bundle = mapper.MapQuestionnaires(forms, rejected);
        var (resources, unchanged) = bundle is null
            ? ([], 0)
            : await StoredBundles.ToStoredAsync(bundle, validator, validationThreads, await store.GetResourcesAsync(lease.PatientKey, cancellationToken).ConfigureAwait(false))
                .ConfigureAwait(false);
        var invalid = resources.Where(r => !r.Validation.IsValid).ToList();
        var rejectedForms = rejected.GroupBy(e => (e.Source, e.RecordId)).Select(g => QuarantineEntry.FromErrors([.. g], null)).ToList();
        var quarantine = rejectedForms.Concat(invalid.Select(r => InvalidResourceEntry(r, []))).ToList();
        await QuarantineAsync(quarantine, stored, entries, cancellationToken).ConfigureAwait(false);

        // Forms hold no patient data: every destination gets the Questionnaires that validate.
        var destinations = exchange.Value.Destinations.Select(d => d.Name).ToList();
        await store.SavePatientMappingAsync(new PatientMapping(lease.PatientKey, lease.Generation, resources, [], destinations) { LeaseOwner = owner }, cancellationToken)
            .ConfigureAwait(false);
        return new Counts(0, resources.Count, invalid.Count, 0, rejectedForms.Count, unchanged);
    }

    /// <summary>
    /// Quarantines what this mapping rejected, and clears what earlier mappings of these records quarantined that this one
    /// does not repeat (a record or a resource that now passes, under fixed records or new profiles), in one unit.
    /// </summary>
    private async System.Threading.Tasks.Task QuarantineAsync(
        List<QuarantineEntry> quarantine, IReadOnlyList<ClinicRecord> records, ILookup<string, (long Id, QuarantineEntry Entry)> entries, CancellationToken cancellationToken)
    {
        var resolved = records.Select(r => r.RecordId).Distinct(StringComparer.Ordinal)
            .SelectMany(id => entries[id]).Where(e => !quarantine.Contains(e.Entry)).Select(e => e.Id).Distinct().ToList();
        if (quarantine.Count > 0 || resolved.Count > 0)
        {
            await store.IngestAsync(new FhirAdapter.Store.Records.IngestBatch { Rejected = quarantine, ResolvedQuarantineIds = resolved }, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Whether this patient's consent permits each destination's organization now (purpose: treatment).</summary>
    private List<(string Destination, ConsentDecision Decision)> Decide(IReadOnlyList<ClinicRecord> records)
    {
        var now = time.GetUtcNow();
        return [.. exchange.Value.Destinations.Select(d => (d.Name, ConsentDecider.Decide(records, d.OrganizationId, DisclosurePurpose.Treatment, now)))];
    }

    private async Task<IReadOnlyDictionary<string, ClinicRecord>> CurrentFormsAsync(CancellationToken cancellationToken)
    {
        var forms = (await store.GetCurrentFormsAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.ToClinicRecord());
        return RecordMapper.CurrentForms(forms, []).ToDictionary(
            f => RecordMapper.FormKey(f.As<FormPayload>().FormId, f.As<FormPayload>().Version), StringComparer.Ordinal);
    }

    /// <summary>A quarantine entry for a resource that failed validation, naming the record it came from where known.</summary>
    private static QuarantineEntry InvalidResourceEntry(MappedResource resource, IReadOnlyList<ClinicRecord> records)
    {
        var value = resource.Identifier[(resource.Identifier.LastIndexOf('|') + 1)..];
        // The Patient and the patient-level facts (keyed by MRN or patient key) come from the intakes: name the latest, so
        // that each patient's entry is its own rather than one "(mapping)" entry shared by every patient.
        var source = records.Where(r => value == r.RecordId || value.StartsWith(r.RecordId + ".", StringComparison.Ordinal))
            .OrderByDescending(r => r.RecordId.Length).FirstOrDefault()
            ?? records.Where(r => r.Kind == RecordKind.Intake).OrderByDescending(r => r.UpdatedAt).FirstOrDefault();
        var outcome = FhirJson.ParseStored<OperationOutcome>(resource.Validation.OperationOutcomeJson!);
        var errors = outcome.Errors().ToList();
        var fields = string.Join(", ", errors.SelectMany(i => i.Expression).Distinct(StringComparer.Ordinal));
        var reasons = string.Join("; ", errors.Select(i => i.Details?.Text ?? i.Diagnostics ?? i.Code.ToString()));
        return new QuarantineEntry(source?.Source ?? new SourceLocation("(mapping)"), source?.RecordId, fields,
            $"the mapped {resource.ResourceType} does not conform to the clinic's profiles: {reasons}", null);
    }

    private async System.Threading.Tasks.Task ReleaseAsync(string owner, IReadOnlyList<PatientLease> leases)
    {
        if (leases.Count > 0)
        {
            await store.ReleaseAsync(owner, [.. leases.Select(l => l.PatientKey)], CancellationToken.None).ConfigureAwait(false);
        }
    }
}
