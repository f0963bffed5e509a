using FhirAdapter.Core.Reading;

namespace FhirAdapter.Core.Privacy;

/// <summary>
/// The one consent decision (42 CFR Part 2) behind every path by which a patient's data leaves the
/// clinic: push to a destination and pull by an API client. Deny unless a current, signed,
/// unexpired, unrevoked disclosure consent names the organization and covers the purpose; any doubt
/// denies. The rules are written out in docs/consent.md.
/// </summary>
public static class ConsentDecider
{
    private const string Disclosure = "disclosure";
    private const string CounselingNotes = "counseling-notes";

    /// <summary>Decides at the provider's current time.</summary>
    public static ConsentDecision Decide(IEnumerable<ClinicRecord> records, string organizationId, DisclosurePurpose purpose, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Decide(records, organizationId, purpose, time.GetUtcNow());
    }

    /// <summary>
    /// Decides whether the patient's data may go to <paramref name="organizationId"/> for
    /// <paramref name="purpose"/> at <paramref name="now"/>. <paramref name="records"/> are one
    /// patient's records: only consents are read; for a recordId given in several versions the latest
    /// counts, and a record whose latest version is entered-in-error does not count at all.
    /// </summary>
    public static ConsentDecision Decide(IEnumerable<ClinicRecord> records, string organizationId, DisclosurePurpose purpose, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        if (!Enum.IsDefined(purpose))
        {
            throw new ArgumentOutOfRangeException(nameof(purpose), "Unknown disclosure purpose.");
        }

        var naming = CurrentConsents(records).Where(c => c.Names(organizationId)).ToList();
        var disclosures = naming.Where(c => c.Payload.ConsentType == Disclosure).ToList();
        var org = $"organization '{organizationId}'";
        if (disclosures.Count == 0)
        {
            var notesOnly = naming.Any(c => c.Payload.ConsentType == CounselingNotes) ? " (a counseling-notes consent alone does not permit disclosure)" : "";
            return ConsentDecision.Deny(organizationId, purpose, now, $"Denied: no disclosure consent names {org}{notesOnly}.");
        }

        // Revocations and refusals of any Part 2 consent naming the organization override what was signed before them.
        var revocations = naming.Where(c => c.IsRevoked).Select(c => c.RevokedAtOrRecorded).ToList();
        var refusals = naming.Where(c => c.Payload.State == "declined").ToList();

        var evaluated = disclosures
            .Select(c => (Consent: c, Problem: Problem(c, purpose, now, revocations, refusals.Where(r => r.Payload.ConsentType == Disclosure))))
            .OrderByDescending(e => e.Consent.Payload.SignedAt)
            .ThenBy(e => e.Consent.RecordId, StringComparer.Ordinal)
            .ToList();
        var valid = evaluated.Where(e => e.Problem is null).Select(e => e.Consent).ToList();
        if (valid.Count == 0)
        {
            // The most recently signed consent's problem is the one clinic IT can act on.
            return ConsentDecision.Deny(organizationId, purpose, now, $"Denied: {Describe(evaluated[0].Problem!.Value, org, purpose)}.");
        }

        var permitting = valid[0];
        var tpo = permitting.IsTpo ? " (TPO consent)" : "";
        string? notesConsent = null;
        string notes;
        if (valid.Any(c => c.Payload.DataScope == "exclude-counseling-notes"))
        {
            notes = "counseling notes withheld: the disclosure consent excludes them";
        }
        else
        {
            notesConsent = naming
                .Where(c => c.Payload.ConsentType == CounselingNotes)
                .Where(c => Problem(c, purpose, now, revocations, refusals.Where(r => r.Payload.ConsentType == CounselingNotes)) is null)
                .OrderByDescending(c => c.Payload.SignedAt)
                .ThenBy(c => c.RecordId, StringComparer.Ordinal)
                .Select(c => c.RecordId)
                .FirstOrDefault();
            notes = notesConsent is null
                ? "counseling notes withheld: no valid counseling-notes consent names this organization"
                : "counseling notes included under their own counseling-notes consent";
        }

        return ConsentDecision.Permit(organizationId, purpose, now,
            $"Permitted: a signed disclosure consent{tpo} names {org} for {purpose.RecordCode()}; {notes}.",
            permitting.RecordId, permitting.IsTpo, notesConsent);
    }

    /// <summary>Why a consent does not permit now, or null when it does.</summary>
    private static ConsentProblem? Problem(
        CurrentConsent consent, DisclosurePurpose purpose, DateTimeOffset now, IReadOnlyList<DateTimeOffset> revocations, IEnumerable<CurrentConsent> refusals)
    {
        var c = consent.Payload;
        if (consent.IsRevoked)
        {
            return ConsentProblem.Revoked;
        }

        if (c.State != "signed")
        {
            return ConsentProblem.Declined;
        }

        if (revocations.Any(r => r >= c.SignedAt))
        {
            return ConsentProblem.RevokedLater;
        }

        if (refusals.Any(r => r.Payload.SignedAt >= c.SignedAt))
        {
            return ConsentProblem.DeclinedLater;
        }

        if (c.SignedAt > now)
        {
            return ConsentProblem.NotYetInEffect;
        }

        if (c.ExpiresAt is null)
        {
            // The 2024 rule lets a single consent for all future TPO disclosures say "none"; any other consent needs an end.
            if (!consent.IsTpo)
            {
                return ConsentProblem.NoExpiry;
            }
        }
        else if (!ConsentExpiry.TryGetEnd(c.ExpiresAt, out var end))
        {
            return ConsentProblem.UnreadableExpiry;
        }
        else if (now >= end)
        {
            return ConsentProblem.Expired;
        }

        return c.Purposes.Contains(purpose.RecordCode(), StringComparer.Ordinal) ? null : ConsentProblem.PurposeNotCovered;
    }

    private static string Describe(ConsentProblem problem, string org, DisclosurePurpose purpose) => problem switch
    {
        ConsentProblem.Revoked => $"the disclosure consent for {org} was revoked",
        ConsentProblem.Declined => $"the patient declined the disclosure consent for {org}",
        ConsentProblem.RevokedLater => $"a later revocation of a consent naming {org} overrides the disclosure consent",
        ConsentProblem.DeclinedLater => $"a later declined disclosure consent naming {org} overrides the earlier one",
        ConsentProblem.NotYetInEffect => $"the disclosure consent for {org} is not yet in effect",
        ConsentProblem.NoExpiry => $"the disclosure consent for {org} has no expiry date and is not a TPO consent",
        ConsentProblem.UnreadableExpiry => $"the expiry of the disclosure consent for {org} cannot be read",
        ConsentProblem.Expired => $"the disclosure consent for {org} has expired",
        _ => $"the disclosure consent for {org} does not cover the purpose {purpose.RecordCode()}",
    };

    /// <summary>The latest version of each consent record, withdrawn (entered-in-error) records left out.</summary>
    private static List<CurrentConsent> CurrentConsents(IEnumerable<ClinicRecord> records)
    {
        var consents = records.Where(r => r is { Kind: RecordKind.Consent, Payload: ConsentPayload }).ToList();
        if (consents.Select(r => r.PatientMrn).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new ArgumentException("The consent records belong to more than one patient.", nameof(records));
        }

        return [.. consents
            .GroupBy(r => r.RecordId, StringComparer.Ordinal)
            .Select(g => g
                .OrderByDescending(r => r.UpdatedAt)
                // Two versions at the same instant: the more restrictive one counts (as in the store's version rules).
                .ThenByDescending(r => VersionRules.Restrictiveness(r.Payload))
                .First())
            .Where(r => !r.IsEnteredInError)
            .Select(r => new CurrentConsent(r.RecordId, r.UpdatedAt, r.As<ConsentPayload>()))];
    }

    private enum ConsentProblem
    {
        Revoked,
        Declined,
        RevokedLater,
        DeclinedLater,
        NotYetInEffect,
        NoExpiry,
        UnreadableExpiry,
        Expired,
        PurposeNotCovered,
    }

    private sealed record CurrentConsent(string RecordId, DateTimeOffset UpdatedAt, ConsentPayload Payload)
    {
        /// <summary>Only Part 2 consents (disclosure, counseling-notes) name recipients that matter here.</summary>
        public bool Names(string organizationId) =>
            Payload.IsDisclosure && Payload.Recipients.Any(r => string.Equals(r.OrganizationId, organizationId, StringComparison.Ordinal));

        /// <summary>Revoked, or carrying a revocation time at all: a revocation is never ignored.</summary>
        public bool IsRevoked => Payload.State == "revoked" || Payload.RevokedAt is not null;

        /// <summary>When the revocation took effect; without revokedAt, when the clinic recorded it (the later, safer instant).</summary>
        public DateTimeOffset RevokedAtOrRecorded => Payload.RevokedAt ?? UpdatedAt;

        /// <summary>A TPO consent: its purposes include all of treatment, payment and health-care operations.</summary>
        public bool IsTpo => new[] { "treatment", "payment", "health-care-operations" }.All(p => Payload.Purposes.Contains(p, StringComparer.Ordinal));
    }
}
