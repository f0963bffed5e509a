using FhirAdapter.Core.Privacy;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Store;
using FhirAdapter.Store.Delivery;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Delivery;

/// <summary>
/// What one patient's delivery to one destination comes to: the resources to write (new, changed, withdrawn), what
/// the destination already holds (unchanged: referred to by its id there), the shared resources it refers to, and
/// the outcomes decided without a send (withheld, blocked by a rejection). <see cref="Build"/> makes the Bundle once
/// the shared resources are known at the destination.
/// </summary>
internal sealed class DeliveryPlan(string patientKey)
{
    /// <summary>One resource to write.</summary>
    public sealed record Item(Bundle.EntryComponent Entry, string ResourceType, string Identifier, string ContentHash, string SentHash, ServerVersion? Known)
    {
        /// <summary>The disclosure notice: it goes with what is disclosed, and alone only when <see cref="IsOwed"/>.</summary>
        public bool IsNotice { get; init; }

        /// <summary>
        /// A notice the destination did not store when the data it accompanies went (its entry waits for a retry, met a
        /// conflict or was rejected): the data there is without its notice until it goes, so it goes even alone.
        /// </summary>
        public bool IsOwed { get; init; }

        /// <summary>A withdrawal: entered-in-error over what was sent, or its deletion.</summary>
        public bool IsWithdrawal { get; init; }
    }

    /// <summary>A shared resource the patient's resources refer to.</summary>
    /// <param name="RequestUrl">Its conditional URL (its identity at the destination).</param>
    /// <param name="MappedAt">When this content was mapped: of two versions in different patients' Bundles, the later wins.</param>
    public sealed record SharedNeed(string FullUrl, string RequestUrl, string ResourceType, string Identifier, Resource Resource, string SentHash, DateTimeOffset MappedAt);

    /// <summary>Why a resource outside the Bundle cannot be referred to: the outcome its dependents get, and the reason.</summary>
    public sealed record Missing(DeliveryStatus Kind, string What);

    public string PatientKey => patientKey;

    public List<Item> Items { get; } = [];

    /// <summary>fullUrl → <c>Type/id</c> at the destination, for resources not written now.</summary>
    public Dictionary<string, string> Resolved { get; } = new(StringComparer.Ordinal);

    /// <summary>fullUrl → why the destination cannot be referred to for it (rejected there).</summary>
    public Dictionary<string, Missing> Unresolved { get; } = new(StringComparer.Ordinal);

    public List<SharedNeed> Shared { get; } = [];

    /// <summary>Outcomes decided without sending (withheld by the consent, blocked by a rejected dependency).</summary>
    public List<DeliveryOutcome> Decided { get; } = [];

    /// <summary>Resources the destination holds as they would be sent now: not sent again.</summary>
    public int Unchanged { get; set; }

    /// <summary>Resources left rejected as they are (their content did not change since).</summary>
    public int StillRejected { get; set; }

    /// <summary>
    /// The Bundle to send, references to resources outside it rewritten to their ids at the destination; null when
    /// nothing is to be written (a notice alone is nothing, unless the destination did not store it before). An entry that refers to something the destination cannot be referred to for waits
    /// (the Provenances only drop that target), and so does what refers to it.
    /// </summary>
    public OutgoingBundle? Build(IReadOnlyDictionary<string, string> sharedResolved, IReadOnlyDictionary<string, Missing> sharedUnresolved)
    {
        var resolved = new Dictionary<string, string>(Resolved, StringComparer.Ordinal);
        var unresolved = new Dictionary<string, Missing>(Unresolved, StringComparer.Ordinal);
        foreach (var (url, target) in sharedResolved)
        {
            resolved[url] = target;
        }

        foreach (var (url, why) in sharedUnresolved)
        {
            unresolved[url] = why;
        }

        var going = Items.ToList();
        bool changed;
        do
        {
            changed = false;
            foreach (var item in going.ToList())
            {
                if (item.Entry.Resource is not { } resource)
                {
                    continue;
                }

                if (resource is Provenance provenance)
                {
                    provenance.Target.RemoveAll(t => t.Reference is { } r && unresolved.ContainsKey(r));
                    if (provenance.Target.Count > 0)
                    {
                        continue;
                    }
                }

                // Nothing unresolved (the usual case): no reference can point at it, and no walk is needed to see that.
                var missing = unresolved.Count == 0 ? null : FhirElements.Descendants(resource).OfType<ResourceReference>()
                    .Select(r => r.Reference is { } target && unresolved.TryGetValue(target, out var why) ? why : null)
                    .FirstOrDefault(w => w is not null);
                if (resource is Provenance { Target.Count: 0 })
                {
                    missing ??= new Missing(DeliveryStatus.Blocked, "none of its targets");
                }

                if (missing is not null)
                {
                    going.Remove(item);
                    unresolved[item.Entry.FullUrl!] = new Missing(missing.Kind, Describe(item.ResourceType, item.Identifier));
                    Decided.Add(new DeliveryOutcome(item.ResourceType, item.Identifier, item.ContentHash, missing.Kind, ServerId: item.Known?.Id,
                        ServerVersion: item.Known?.VersionId, Reason: $"waits: it refers to {missing.What}, which the destination "
                        + (missing.Kind == DeliveryStatus.Blocked ? "rejected" : "does not hold yet")));
                    changed = true;
                }
            }
        }
        while (changed);

        // A notice goes with what it accompanies; alone only when the destination holds the data without it.
        if (going.All(i => i.IsNotice && !i.IsOwed))
        {
            return null;
        }

        foreach (var item in going.Where(i => i.Entry.Resource is not null))
        {
            foreach (var reference in FhirElements.Descendants(item.Entry.Resource!).OfType<ResourceReference>())
            {
                if (reference.Reference is { } target && resolved.TryGetValue(target, out var id))
                {
                    reference.Reference = id;
                }
            }
        }

        Items.RemoveAll(i => !going.Contains(i));
        return new OutgoingBundle(PatientKey, new Bundle { Type = Bundle.BundleType.Transaction, Entry = [.. going.Select(i => i.Entry)] })
        {
            Known = going.Where(i => i.Known is not null).ToDictionary(i => i.Entry.FullUrl!, i => i.Known!, StringComparer.Ordinal),
        };
    }

    /// <summary>A resource for messages: its type and identifier value (a Patient's is the MRN: named by the patient key instead).</summary>
    public string Describe(string resourceType, string identifier) =>
        resourceType == "Patient" ? $"the Patient of {PatientKey}" : $"{resourceType} {identifier[(identifier.LastIndexOf('|') + 1)..]}";
}
