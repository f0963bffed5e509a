using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FhirAdapter.Generation;

/// <summary>One version of a consent record, before it is written.</summary>
internal sealed record ConsentDraft(
    string RecordId,
    DateTimeOffset UpdatedAt,
    string Site,
    string Mrn,
    string ConsentType,
    string State,
    DateTimeOffset SignedAt,
    string SignedBy,
    string SignatureMethod)
{
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>A date or a date-time with offset, as the contract allows both.</summary>
    public string? ExpiresAt { get; init; }

    public string? Witness { get; init; }

    public IReadOnlyList<string> EducationTopics { get; init; } = [];

    public IReadOnlyList<(string Id, string Name)> Recipients { get; init; } = [];

    public IReadOnlyList<string> Purposes { get; init; } = [];

    public string? DataScope { get; init; }

    public bool HasDocument { get; init; }

    public string? LegacyNumber { get; init; }

    public byte[] ToJson() => JsonRecord.Build(w =>
    {
        w.WriteString("recordType", "consent");
        w.WriteString("recordId", RecordId);
        w.WriteString("updatedAt", ClinicClock.Iso(UpdatedAt));
        w.WriteString("site", Site);
        w.WriteString("patientMrn", Mrn);
        w.WriteString("consentType", ConsentType);
        w.WriteString("state", State);
        w.WriteString("signedAt", ClinicClock.Iso(SignedAt));
        if (RevokedAt is { } revoked)
        {
            w.WriteString("revokedAt", ClinicClock.Iso(revoked));
        }

        if (ExpiresAt is not null)
        {
            w.WriteString("expiresAt", ExpiresAt);
        }

        w.WriteString("signedBy", SignedBy);
        w.WriteString("signatureMethod", SignatureMethod);
        if (Witness is not null)
        {
            w.WriteStartObject("witness");
            w.WriteString("name", Witness);
            w.WriteEndObject();
        }

        Strings(w, "educationTopics", EducationTopics);
        if (Recipients.Count > 0)
        {
            w.WriteStartArray("recipients");
            foreach (var (id, name) in Recipients)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("organizationId", id);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        Strings(w, "purposes", Purposes);
        if (DataScope is not null)
        {
            w.WriteString("dataScope", DataScope);
        }

        if (HasDocument)
        {
            w.WriteStartObject("document");
            w.WriteString("url", $"https://docs.example-clinic.test/consents/{RecordId}.pdf");
            w.WriteString("contentType", "application/pdf");
            // Stands in for the hash of the signed PDF: deterministic, and well-formed.
            w.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RecordId + "|" + ClinicClock.Iso(SignedAt)))));
            w.WriteEndObject();
        }

        if (LegacyNumber is not null)
        {
            w.WriteString("legacyConsentNo", LegacyNumber);
        }
    });

    public static string DateOf(DateTimeOffset value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
