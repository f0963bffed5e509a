namespace FhirAdapter.Core.Reading;

/// <summary>A signed, revoked or declined consent.</summary>
public sealed record ConsentPayload(
    string PatientMrn,
    string ConsentType,
    string State,
    DateTimeOffset SignedAt,
    DateTimeOffset? RevokedAt,
    string? ExpiresAt,
    string SignedBy,
    string SignatureMethod,
    string? WitnessName,
    IReadOnlyList<string> EducationTopics,
    IReadOnlyList<RecipientInfo> Recipients,
    IReadOnlyList<string> Purposes,
    string? DataScope,
    DocumentInfo? Document) : RecordPayload
{
    /// <summary>Disclosure and counseling-notes consents govern release of records under 42 CFR Part 2.</summary>
    public bool IsDisclosure => ConsentType is "disclosure" or "counseling-notes";
}

public sealed record RecipientInfo(string Name, string OrganizationId);

public sealed record DocumentInfo(string Url, string? ContentType, string? Sha256);
