using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Patients;
using FhirAdapter.Worker.Sync;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Delivery;

/// <summary>
/// Works out what one patient's delivery to one destination must write: only what the destination does not hold as it
/// would be sent now (new, changed, relabelled, or withdrawn), never what it holds already. Pure: the store's states in,
/// a <see cref="DeliveryPlan"/> out.
/// </summary>
internal static class DeliveryPlanner
{
    /// <param name="prepared">What leaves for this destination: the consent-filtered, labelled Bundle with its disclosure
    /// notice (or the Questionnaire Bundle as mapped); a copy the plan may change.</param>
    /// <param name="mapped">The patient's current mapping, by which each entry is known (identity, content hash).</param>
    /// <param name="removed">Resources earlier mappings produced and the current one no longer does.</param>
    /// <param name="states">What the destination holds of the patient's resources.</param>
    /// <param name="sensitivity">The patient's labels, for withdrawn resources (null for the Questionnaires).</param>
    public static DeliveryPlan Plan(
        string patientKey,
        Bundle prepared,
        IReadOnlyList<StoredResource> mapped,
        IReadOnlyList<StoredResource> removed,
        IReadOnlyList<DeliveryState> states,
        PatientSensitivity? sensitivity)
    {
        var plan = new DeliveryPlan(patientKey);
        var byFullUrl = mapped.ToDictionary(r => "urn:uuid:" + r.LogicalId, StringComparer.Ordinal);
        var state = states.ToDictionary(s => (s.ResourceType, s.Identifier));
        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in prepared.Entry)
        {
            var resource = entry.Resource!;
            var type = resource.TypeName;
            var stored = byFullUrl.GetValueOrDefault(entry.FullUrl!);
            var identifier = stored?.Identifier ?? StoredBundles.IdentityOf(entry.Request!.Url!);
            var hash = SentContent.Hash(resource);
            sent.Add(entry.FullUrl!);
            if (SharedResources.IsShared(type))
            {
                plan.Shared.Add(new DeliveryPlan.SharedNeed(entry.FullUrl!, entry.Request!.Url!, type, identifier, resource, hash, stored?.MappedAt ?? DateTimeOffset.MinValue));
                continue;
            }

            var known = state.GetValueOrDefault((type, identifier));
            if (known is { Status: DeliveryStatus.Sent, ServerId: { } id } && known.SentHash == hash)
            {
                plan.Unchanged++;
                plan.Resolved[entry.FullUrl!] = $"{type}/{id}";
                continue;
            }

            if (known is { Status: DeliveryStatus.Rejected } && stored is not null && known.ContentHash == stored.ContentHash)
            {
                // Rejected as it is: sending the same again will not help. It goes when it changes, or by `resend`; what
                // refers to it meanwhile refers to the version the destination accepted before, if there is one.
                plan.StillRejected++;
                if (known.ServerId is { } earlier)
                {
                    plan.Resolved[entry.FullUrl!] = $"{type}/{earlier}";
                }
                else
                {
                    plan.Unresolved[entry.FullUrl!] = new DeliveryPlan.Missing(DeliveryStatus.Blocked, plan.Describe(type, identifier));
                }

                continue;
            }

            var isNotice = stored is null;
            plan.Items.Add(new DeliveryPlan.Item(entry, type, identifier, stored?.ContentHash ?? hash, hash, ServerOf(known, type))
            {
                IsNotice = isNotice,
                IsOwed = isNotice && known?.Status is DeliveryStatus.RetryLater or DeliveryStatus.Conflict or DeliveryStatus.Rejected,
            });
        }

        // What the consent left out of the Bundle is withheld (recorded once per version, not at every sync).
        foreach (var r in mapped.Where(r => !sent.Contains("urn:uuid:" + r.LogicalId) && !SharedResources.IsShared(r.ResourceType)))
        {
            var known = state.GetValueOrDefault((r.ResourceType, r.Identifier));
            if (known is not { Status: DeliveryStatus.Withheld } || known.ContentHash != r.ContentHash)
            {
                plan.Decided.Add(new DeliveryOutcome(r.ResourceType, r.Identifier, r.ContentHash, DeliveryStatus.Withheld, ServerId: known?.ServerId,
                    ServerVersion: known?.ServerVersion, Reason: "withheld: the patient's consent does not cover it for this organization"));
            }
        }

        var referable = plan.Resolved.Keys.Concat(plan.Items.Select(i => i.Entry.FullUrl!)).ToHashSet(StringComparer.Ordinal);
        foreach (var r in removed)
        {
            if (state.GetValueOrDefault((r.ResourceType, r.Identifier)) is { ServerId: { } id, Status: not DeliveryStatus.Withdrawn } known)
            {
                plan.Items.Add(Withdraw(r, known, id, sensitivity, referable));
            }
        }

        return plan;
    }

    /// <summary>
    /// The entry that takes a sent resource back: entered-in-error over it, with nothing of its last mapping's content
    /// (<see cref="Withdrawal"/>: that mapping may hold what the destination was never given), labelled as the patient's
    /// data is now, its references to what the destination does not hold kept as text only; or its deletion where its
    /// type has no such status.
    /// </summary>
    private static DeliveryPlan.Item Withdraw(StoredResource removed, DeliveryState known, string id, PatientSensitivity? sensitivity, HashSet<string> referable)
    {
        var fullUrl = "urn:uuid:" + removed.LogicalId;
        var server = new ServerVersion(removed.ResourceType, id, known.ServerVersion);
        var withdrawn = Withdrawal.EnteredInError(FhirJson.ParseStored<Resource>(removed.Json));
        if (withdrawn is null)
        {
            var delete = new Bundle.EntryComponent { FullUrl = fullUrl, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.DELETE, Url = removed.RequestUrl } };
            return new DeliveryPlan.Item(delete, removed.ResourceType, removed.Identifier, removed.ContentHash, "deleted", server) { IsWithdrawal = true };
        }

        if (sensitivity is { } labels)
        {
            SecurityLabels.Apply(withdrawn, labels);
        }

        foreach (var reference in FhirElements.Descendants(withdrawn).OfType<ResourceReference>())
        {
            if (reference.Reference is { } target && target.StartsWith("urn:uuid:", StringComparison.Ordinal) && !referable.Contains(target))
            {
                reference.Reference = null;
                reference.Display ??= "not held by this destination";
            }
        }

        var entry = new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = withdrawn,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = removed.RequestUrl },
        };
        return new DeliveryPlan.Item(entry, removed.ResourceType, removed.Identifier, removed.ContentHash, SentContent.Hash(withdrawn), server) { IsWithdrawal = true };
    }

    private static ServerVersion? ServerOf(DeliveryState? state, string type) =>
        state?.ServerId is { } id ? new ServerVersion(type, id, state.ServerVersion) : null;
}
