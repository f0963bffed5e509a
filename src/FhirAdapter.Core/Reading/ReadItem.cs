namespace FhirAdapter.Core.Reading;

/// <summary>What a reader yields for each record in a file: the record, or the errors that reject it.</summary>
public sealed record ReadItem(ClinicRecord? Record, IReadOnlyList<RecordError> Errors)
{
    /// <summary>
    /// An invalid record's text as read (a CSV row as a JSON object of its cells by column), kept so that the
    /// quarantine can show it and retry it. Patient data: never logged.
    /// </summary>
    public string? RawText { get; init; }

    public static ReadItem Valid(ClinicRecord record) => new(record, []);

    public static ReadItem Invalid(IReadOnlyList<RecordError> errors) => new(null, errors);

    public static ReadItem Invalid(RecordError error) => new(null, [error]);
}
