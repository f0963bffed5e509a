namespace FhirAdapter.Core.Reading;

/// <summary>
/// Why a record (or a part of a file) could not be used. It names the file, the line or row,
/// the recordId when known and the field, and never carries patient data: messages quote only
/// codes, ids and the shape of a value, not the value of a free-text or demographic field.
/// </summary>
public sealed record RecordError(SourceLocation Source, string? RecordId, string Field, string Message)
{
    public override string ToString()
    {
        var record = RecordId is null ? "" : $" record {RecordId}";
        var field = string.IsNullOrEmpty(Field) ? "" : $" {Field}:";
        return $"{Source}{record}:{field} {Message}";
    }
}
