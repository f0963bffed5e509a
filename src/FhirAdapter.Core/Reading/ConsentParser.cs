using System.Text.RegularExpressions;

namespace FhirAdapter.Core.Reading;

/// <summary>Reads a <c>consent</c> record's content.</summary>
internal static partial class ConsentParser
{
    internal static readonly string[] ConsentTypes = ["treatment", "disclosure", "telehealth", "counseling-notes"];
    private static readonly string[] States = ["signed", "revoked", "declined"];
    private static readonly string[] Signers = ["patient", "guardian", "representative"];
    private static readonly string[] SignatureMethods = ["electronic", "paper"];
    private static readonly string[] Purposes = ["treatment", "payment", "health-care-operations"];
    private static readonly string[] DataScopes = ["all", "exclude-counseling-notes"];

    internal static readonly string[] EducationTopics =
    [
        "dissociation", "nausea", "dizziness", "blurred-vision", "elevated-blood-pressure", "misuse-and-dependence",
        "no-driving-24h", "bladder-toxicity", "pregnancy-risk",
    ];

    public static ConsentPayload? Parse(JsonFields fields)
    {
        var mrn = fields.String("patientMrn", required: true, maxLength: 64);
        var type = fields.Code("consentType", ConsentTypes, required: true);
        var state = fields.Code("state", States, required: true);
        var signedAt = fields.DateTime("signedAt", required: true);
        var revokedAt = fields.DateTime("revokedAt");
        var expiresAt = fields.DateOrDateTime("expiresAt");
        var signedBy = fields.Code("signedBy", Signers, required: true);
        var method = fields.Code("signatureMethod", SignatureMethods, required: true);
        var witness = fields.Object("witness")?.String("name", required: true);
        var topics = fields.Codes("educationTopics", EducationTopics);
        var recipients = new List<RecipientInfo>();
        foreach (var recipient in fields.Objects("recipients"))
        {
            var name = recipient.String("name", required: true);
            var organizationId = recipient.String("organizationId", required: true, maxLength: 64);
            if (name is not null && organizationId is not null)
            {
                recipients.Add(new RecipientInfo(name, organizationId));
            }
        }

        var purposes = fields.Codes("purposes", Purposes);
        var dataScope = fields.Code("dataScope", DataScopes);
        DocumentInfo? document = null;
        if (fields.Object("document") is { } d)
        {
            var url = d.String("url", required: true);
            if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                d.Error("url", "must be an absolute URL");
            }

            var contentType = d.String("contentType");
            var sha256 = d.String("sha256", pattern: Sha256Pattern(), patternHint: "64 hexadecimal characters");
            if (url is not null)
            {
                document = new DocumentInfo(url, contentType, sha256);
            }
        }

        if (revokedAt is { } revoked && signedAt is { } signed && revoked < signed)
        {
            fields.Error("revokedAt", "is earlier than signedAt");
        }

        if (type is "disclosure" or "counseling-notes" && state == "signed" && recipients.Count == 0)
        {
            fields.Error("recipients", "a signed disclosure consent must name at least one recipient");
        }

        return mrn is null || type is null || state is null || signedAt is null || signedBy is null || method is null
            ? null
            : new ConsentPayload(mrn, type, state, signedAt.Value, revokedAt, expiresAt, signedBy, method, witness, topics,
                recipients, purposes, dataScope, document);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
