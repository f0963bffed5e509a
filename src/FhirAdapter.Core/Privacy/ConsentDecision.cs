namespace FhirAdapter.Core.Privacy;

/// <summary>
/// Whether a patient's data may go to one organization for one purpose at one moment, and why.
/// <see cref="Reason"/> is for clinic IT and holds no patient data (no names, MRNs or dates).
/// </summary>
public sealed record ConsentDecision
{
    private ConsentDecision(ConsentOutcome outcome, string organizationId, DisclosurePurpose purpose, DateTimeOffset decidedAt, string reason)
    {
        Outcome = outcome;
        OrganizationId = organizationId;
        Purpose = purpose;
        DecidedAt = decidedAt;
        Reason = reason;
    }

    public ConsentOutcome Outcome { get; }

    public bool IsPermitted => Outcome == ConsentOutcome.Permit;

    /// <summary>The receiving organization's id (the clinic's organizationId).</summary>
    public string OrganizationId { get; }

    public DisclosurePurpose Purpose { get; }

    /// <summary>The moment the decision holds for: a later disclosure needs a new decision.</summary>
    public DateTimeOffset DecidedAt { get; }

    /// <summary>A short explanation without patient data.</summary>
    public string Reason { get; }

    /// <summary>The recordId of the disclosure consent that permits; null on Deny.</summary>
    public string? ConsentRecordId { get; private init; }

    /// <summary>Whether the permitting consent is a TPO consent (see docs/consent.md).</summary>
    public bool IsTpoConsent { get; private init; }

    /// <summary>True unless SUD counseling notes may go too: always true on Deny.</summary>
    public bool WithholdCounselingNotes { get; private init; } = true;

    /// <summary>The recordId of the counseling-notes consent that releases the notes; null when they are withheld.</summary>
    public string? CounselingNotesConsentRecordId { get; private init; }

    internal static ConsentDecision Deny(string organizationId, DisclosurePurpose purpose, DateTimeOffset now, string reason) =>
        new(ConsentOutcome.Deny, organizationId, purpose, now, reason);

    internal static ConsentDecision Permit(
        string organizationId, DisclosurePurpose purpose, DateTimeOffset now, string reason, string consentRecordId, bool isTpo, string? counselingNotesConsentRecordId) =>
        new(ConsentOutcome.Permit, organizationId, purpose, now, reason)
        {
            ConsentRecordId = consentRecordId,
            IsTpoConsent = isTpo,
            WithholdCounselingNotes = counselingNotesConsentRecordId is null,
            CounselingNotesConsentRecordId = counselingNotesConsentRecordId,
        };
}
