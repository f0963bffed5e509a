using System.Text.Json;
using System.Text.RegularExpressions;

namespace FhirAdapter.Core.Reading;

/// <summary>Turns one JSON record into an <see cref="ClinicRecord"/>, or the errors that reject it.</summary>
public static partial class RecordParser
{
    /// <summary>The contract's limit on one record.</summary>
    public const int MaxRecordBytes = 1024 * 1024;

    private static readonly string[] RecordTypes = ["form", "intake", "consent", "session"];
    private static readonly string[] Statuses = ["active", "entered-in-error"];

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    internal static partial Regex RecordIdPattern();

    public static ReadItem Parse(JsonElement element, SourceLocation source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return ReadItem.Invalid(new RecordError(source, null, "", $"a record must be a JSON object, not {JsonFields.Describe(element)}"));
        }

        var errors = new List<FieldError>();
        var fields = new JsonFields(element, "", errors);
        var recordId = fields.String("recordId", required: true, pattern: RecordIdPattern(), patternHint: "1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        var recordType = fields.Code("recordType", RecordTypes, required: true);
        var updatedAt = fields.DateTime("updatedAt", required: true);
        // A form's own status (draft|active|retired) shares the envelope's "status" key: for forms,
        // entered-in-error withdraws the record and any other value is the form's publication status.
        var status = recordType == "form"
            ? (fields.Code("status", FormParser.Statuses, required: true) == "entered-in-error" ? "entered-in-error" : "active")
            : fields.Code("status", Statuses) ?? "active";
        var site = fields.String("site", maxLength: 64);

        RecordPayload? payload = recordType switch
        {
            "form" => FormParser.Parse(fields),
            "intake" => IntakeParser.Parse(fields),
            "consent" => ConsentParser.Parse(fields),
            "session" => SessionParser.Parse(fields),
            _ => null,
        };

        return Finish(source, recordId, recordType, updatedAt, status, site, payload, errors);
    }

    internal static ReadItem Finish(
        SourceLocation source,
        string? recordId,
        string? recordType,
        DateTimeOffset? updatedAt,
        string status,
        string? site,
        RecordPayload? payload,
        List<FieldError> errors)
    {
        if (errors.Count > 0 || recordId is null || recordType is null || updatedAt is null || payload is null)
        {
            return ReadItem.Invalid(errors.Select(e => new RecordError(source, recordId, e.Field, e.Message)).ToList());
        }

        var record = new ClinicRecord(
            Enum.Parse<RecordKind>(recordType, ignoreCase: true),
            recordId,
            updatedAt.Value,
            status == "entered-in-error" ? RecordStatus.EnteredInError : RecordStatus.Active,
            site,
            payload,
            source);
        return ReadItem.Valid(record with { ContentHash = ContentHasher.Hash(record) });
    }

    /// <summary>The error for a record over the size limit, located as precisely as the reader can.</summary>
    public static RecordError TooLarge(SourceLocation source) =>
        new(source, null, "", $"the record is larger than the {MaxRecordBytes / 1024 / 1024} MiB limit");
}
