namespace FhirAdapter.Core.Export;

/// <summary>What a reader yields for each record in a file: the record, or the errors that reject it.</summary>
public sealed record ReadItem(ExportRecord? Record, IReadOnlyList<RecordError> Errors)
{
    public static ReadItem Valid(ExportRecord record) => new(record, []);

    public static ReadItem Invalid(IReadOnlyList<RecordError> errors) => new(null, errors);

    public static ReadItem Invalid(RecordError error) => new(null, [error]);
}
