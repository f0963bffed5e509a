using System.Net;
using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Privacy;

/// <summary>
/// Turns a permitted <see cref="ConsentDecision"/> into what actually leaves: copies of the patient's
/// resources without the ones withheld, every one labelled (<see cref="SecurityLabels"/>), plus a
/// disclosure Provenance that carries the §2.32 redisclosure notice and points at the permitting
/// Consent. The input is never changed: one mapped Bundle may go to several organizations.
/// </summary>
public sealed class DisclosureFilter
{
    private readonly ClinicCanonicals _canonicals;

    public DisclosureFilter(ClinicCanonicals canonicals)
    {
        ArgumentNullException.ThrowIfNull(canonicals);
        _canonicals = canonicals;
    }

    /// <summary>
    /// The transaction Bundle to push to the decision's organization: the patient's Bundle without
    /// withheld resources (SUD counseling notes unless released; Part 2 Consents other than the ones
    /// the decision rests on), all labelled by the patient's <paramref name="sensitivity"/> (classified by
    /// <see cref="SensitivityClassifier"/> from the whole Bundle, as delivery has it already), the mapping
    /// Provenance trimmed to what is sent, and a disclosure Provenance (notice, consent, purpose) as a
    /// conditional update of its own.
    /// </summary>
    public Bundle PrepareBundle(PatientBundle patient, ConsentDecision decision, PatientSensitivity sensitivity)
    {
        ArgumentNullException.ThrowIfNull(patient);
        RequirePermit(decision);
        // The decision names no patient: the permitting Consent travelling in this Bundle is what ties the two together.
        if (!Carries(patient.Bundle, decision))
        {
            throw new InvalidOperationException("The consent the decision rests on is not in this patient's Bundle; nothing is prepared.");
        }

        var withheld = patient.Bundle.Entry.Where(e => e.Resource is null || IsWithheld(e.Resource, decision)).ToList();
        var droppedUrls = withheld.Select(e => e.FullUrl).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var droppedRecordIds = withheld.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Consent>()
            .SelectMany(c => c.Identifier).Where(i => i.System == _canonicals.RecordSystem).Select(i => i.Value)
            .ToHashSet(StringComparer.Ordinal);

        var withheldSet = withheld.ToHashSet(ReferenceEqualityComparer.Instance);
        var kept = patient.Bundle.Entry.Where(e => !withheldSet.Contains(e)).Select(e => e.DeepCopy()).ToList();
        foreach (var entry in kept)
        {
            if (entry.Resource is Provenance provenance)
            {
                // The mapping Provenance must neither point at what is not sent nor list the consent records left out.
                provenance.Target.RemoveAll(t => t.Reference is { } r && droppedUrls.Contains(r));
                provenance.Entity.RemoveAll(e => e.What?.Identifier?.Value is { } v && droppedRecordIds.Contains(v));
            }

            DetachDroppedReferences(entry.Resource!, droppedUrls);
            SecurityLabels.Apply(entry.Resource!, sensitivity);
        }

        var tag = $"{patient.PatientKey}.disclosure.{decision.OrganizationId}";
        var notice = BuildNoticeProvenance(
            decision,
            sensitivity,
            kept.Where(e => e.FullUrl is not null).Select(e => new ResourceReference(e.FullUrl)),
            ConsentReference(decision.ConsentRecordId!, kept),
            decision.CounselingNotesConsentRecordId is { } notesId ? ConsentReference(notesId, kept) : null);
        notice.Meta!.Tag.Add(new Coding(_canonicals.RecordSystem, tag));
        kept.Add(new Bundle.EntryComponent
        {
            FullUrl = TransactionBuilder.FullUrl("Provenance", _canonicals.RecordSystem, tag),
            Resource = notice,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"Provenance?_tag={_canonicals.RecordSystem}|{tag}" },
        });

        var bundle = new Bundle { Type = Bundle.BundleType.Transaction, Entry = kept };
        SecurityLabels.Apply(bundle, sensitivity);
        return bundle;
    }

    /// <summary>
    /// Whether the patient's Bundle holds the Consent a permitting decision rests on: only then can it be prepared (a
    /// consent record still held for its patient's intake is in the decision's records but not yet in the Bundle).
    /// </summary>
    public bool Carries(Bundle bundle, ConsentDecision decision)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        RequirePermit(decision);
        return bundle.Entry.Any(e => e.Resource is Hl7.Fhir.Model.Consent c && HasRecordId(c, decision.ConsentRecordId!));
    }

    /// <summary>
    /// One resource for the pull API: a labelled copy, or null when it is withheld from this
    /// organization. <paramref name="sensitivity"/> comes from the patient's whole data
    /// (<see cref="SensitivityClassifier"/>), not from this resource alone.
    /// </summary>
    public Resource? FilterResource(Resource resource, ConsentDecision decision, PatientSensitivity sensitivity)
    {
        ArgumentNullException.ThrowIfNull(resource);
        RequirePermit(decision);
        if (IsWithheld(resource, decision))
        {
            return null;
        }

        var copy = resource.DeepCopy();
        SecurityLabels.Apply(copy, sensitivity);
        return copy;
    }

    /// <summary>
    /// A search result set for the pull API: withheld entries removed, every resource labelled, and
    /// the disclosure Provenance (notice and consent) added as an included entry. When entries were
    /// removed, <c>total</c> is dropped rather than left to count them.
    /// </summary>
    public Bundle FilterSearchSet(Bundle searchSet, ConsentDecision decision, PatientSensitivity sensitivity)
    {
        ArgumentNullException.ThrowIfNull(searchSet);
        RequirePermit(decision);
        var copy = searchSet.DeepCopy();
        var removed = copy.Entry.RemoveAll(e => e.Resource is not null && IsWithheld(e.Resource, decision));
        if (removed > 0)
        {
            copy.Total = null;
        }

        foreach (var resource in copy.Entry.Select(e => e.Resource).OfType<Resource>())
        {
            SecurityLabels.Apply(resource, sensitivity);
        }

        var targets = copy.Entry.Where(e => e.Resource is not null).Select(e => new ResourceReference(e.FullUrl ?? $"{e.Resource!.TypeName}/{e.Resource.Id}")).ToList();
        var notice = BuildNoticeProvenance(decision, sensitivity, targets, LogicalConsent(decision.ConsentRecordId!),
            decision.CounselingNotesConsentRecordId is { } notesId ? LogicalConsent(notesId) : null);
        var identity = $"disclosure|{decision.OrganizationId}|{decision.DecidedAt.UtcTicks}|{string.Join(',', targets.Select(t => t.Reference))}";
        copy.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = StableIds.Urn("Provenance", _canonicals.RecordSystem, identity),
            Resource = notice,
            Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Include },
        });
        SecurityLabels.Apply(copy, sensitivity);
        return copy;
    }

    /// <summary>
    /// The disclosure Provenance: text = the §2.32 notice, policy = §2.32 and Part 2, reason = the
    /// purpose, entity = the permitting Consent (and the counseling-notes consent when notes go),
    /// target = what is disclosed, recorded = the decision's time. Labelled like the data.
    /// </summary>
    public Provenance BuildNoticeProvenance(
        ConsentDecision decision, PatientSensitivity sensitivity, IEnumerable<ResourceReference> targets, ResourceReference consent, ResourceReference? counselingNotesConsent = null)
    {
        RequirePermit(decision);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(consent);
        var provenance = new Provenance
        {
            Meta = new Meta(),
            Text = new Narrative
            {
                Status = Narrative.NarrativeStatus.Additional,
                Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Notice to accompany disclosure (42 CFR 2.32)</b></p><p>"
                    + WebUtility.HtmlEncode(RedisclosureNotice.Text)
                    + "</p><p>Disclosed with the patient's written consent; the Consent it rests on is listed as an entity of this Provenance.</p></div>",
            },
            Target = [.. targets],
            Recorded = decision.DecidedAt,
            Policy = [PrivacyCodes.RedisclosureNoticePolicy, PrivacyCodes.Part2PolicyUrl],
            Reason = [new CodeableConcept { Coding = [decision.Purpose.ActReason()] }],
            Activity = PrivacyCodes.Concept(PrivacyCodes.Iso21089Lifecycle, PrivacyCodes.DiscloseLifecycleEvent, "Disclose"),
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = PrivacyCodes.Concept(PrivacyCodes.ProvenanceParticipantType, "custodian", "Custodian"),
                    Who = new ResourceReference { Display = "The disclosing 42 CFR Part 2 program (via FhirAdapter)" },
                },
            ],
            Entity = [ConsentEntity(consent, "Consent permitting this disclosure (42 CFR Part 2)")],
        };
        if (counselingNotesConsent is not null)
        {
            provenance.Entity.Add(ConsentEntity(counselingNotesConsent, "Consent permitting disclosure of SUD counseling notes (42 CFR Part 2)"));
        }

        SecurityLabels.Apply(provenance, sensitivity);
        return provenance;
    }

    /// <summary>A session note: a DocumentReference in the clinic's SUD counseling-notes data class.</summary>
    public static bool IsCounselingNote(Resource resource) =>
        resource is DocumentReference document
        && document.Category.SelectMany(c => c.Coding).Any(c => c.System == ClinicCanonicals.CodeSystems.DataClass && c.Code == PrivacyCodes.CounselingNotesClass);

    /// <summary>Whether this organization does not get this resource under this decision.</summary>
    public bool IsWithheld(Resource resource, ConsentDecision decision)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsPermitted)
        {
            return true;
        }

        if (IsCounselingNote(resource))
        {
            return decision.WithholdCounselingNotes;
        }

        if (resource is Hl7.Fhir.Model.Consent consent && IsPart2Consent(consent))
        {
            // Other organizations' consents say who else gets this patient's records: only the ones this disclosure rests on go.
            var id = consent.Identifier.FirstOrDefault(i => i.System == _canonicals.RecordSystem)?.Value;
            return id is null || (id != decision.ConsentRecordId && id != decision.CounselingNotesConsentRecordId);
        }

        return false;
    }

    private bool HasRecordId(Hl7.Fhir.Model.Consent consent, string recordId) =>
        consent.Identifier.Any(i => i.System == _canonicals.RecordSystem && i.Value == recordId);

    private static bool IsPart2Consent(Hl7.Fhir.Model.Consent consent) =>
        consent.PolicyRule?.Coding.Any(c => c.Code == PrivacyCodes.Part2Policy) == true
        || consent.Scope?.Coding.Any(c => c.Code == "patient-privacy") == true;

    private static Provenance.EntityComponent ConsentEntity(ResourceReference consent, string display)
    {
        var what = (ResourceReference)consent.DeepCopy();
        what.Display ??= display;
        return new Provenance.EntityComponent { Role = Provenance.ProvenanceEntityRole.Source, What = what };
    }

    /// <summary>The Consent's fullUrl when it travels in the Bundle; else a logical reference by its record identifier.</summary>
    private ResourceReference ConsentReference(string recordId, IEnumerable<Bundle.EntryComponent> entries)
    {
        var entry = entries.FirstOrDefault(e => e.Resource is Hl7.Fhir.Model.Consent c && HasRecordId(c, recordId));
        var reference = LogicalConsent(recordId);
        if (entry is not null)
        {
            reference.Reference = entry.FullUrl;
        }

        return reference;
    }

    private ResourceReference LogicalConsent(string recordId) => new()
    {
        Type = "Consent",
        Identifier = new Identifier(_canonicals.RecordSystem, recordId),
    };

    /// <summary>A reference to a withheld entry would not resolve at the destination: keep only its display.</summary>
    private static void DetachDroppedReferences(Resource resource, HashSet<string> droppedUrls)
    {
        if (droppedUrls.Count == 0)
        {
            return;
        }

        foreach (var reference in FhirElements.Descendants(resource).OfType<ResourceReference>())
        {
            if (reference.Reference is { } r && droppedUrls.Contains(r))
            {
                reference.Reference = null;
                reference.Display ??= "withheld";
            }
        }
    }

    private static void RequirePermit(ConsentDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsPermitted)
        {
            throw new InvalidOperationException("Nothing may be disclosed under a Deny decision.");
        }
    }
}
