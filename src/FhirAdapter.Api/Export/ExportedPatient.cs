using FhirAdapter.Core.Privacy;

namespace FhirAdapter.Api.Export;

/// <summary>
/// A patient in an export and the consents its data was filtered under, kept beside the files (one JSON line each) so
/// that every file fetched can be decided again: the files go out only while every patient in them is still disclosed
/// under the same consents.
/// </summary>
internal sealed record ExportedPatient(string PatientKey, string ConsentRecordId, string? CounselingNotesConsentRecordId)
{
    public static ExportedPatient Of(string patientKey, ConsentDecision decision) =>
        new(patientKey, decision.ConsentRecordId ?? throw new InvalidOperationException("Only a permitted patient is exported"), decision.CounselingNotesConsentRecordId);

    /// <summary>
    /// Whether what was exported may still go under the decision now: permitted by the same consent, and the counseling
    /// notes, if they went, still released by the same one (a consent that releases more since is no reason to withhold).
    /// </summary>
    public bool StillDisclosedUnder(ConsentDecision now) =>
        now.IsPermitted && now.ConsentRecordId == ConsentRecordId
        && (CounselingNotesConsentRecordId is null || now.CounselingNotesConsentRecordId == CounselingNotesConsentRecordId);
}
