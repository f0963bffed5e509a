using FhirAdapter.Core.Reading;

namespace FhirAdapter.Store.Quarantine;

/// <summary>
/// A record that could not be used, to quarantine: where it was, why (in words clinic IT understands), and its raw
/// text so that it can be retried once fixed. The raw text is patient data: shown by <c>quarantine show</c>, never logged.
/// </summary>
public sealed record QuarantineEntry(SourceLocation Source, string? RecordId, string Field, string Reason, string? RawText)
{
    /// <summary>One entry for one rejected record, whatever the number of its errors (all fields and reasons kept).</summary>
    public static QuarantineEntry FromErrors(IReadOnlyList<RecordError> errors, string? rawText)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is needed", nameof(errors));
        }

        var fields = string.Join(", ", errors.Select(e => e.Field).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal));
        var reasons = string.Join("; ", errors.Select(e => e.Field.Length > 0 ? $"{e.Field}: {e.Message}" : e.Message));
        return new QuarantineEntry(errors[0].Source, errors.Select(e => e.RecordId).FirstOrDefault(id => id is not null), fields, reasons, rawText);
    }
}
