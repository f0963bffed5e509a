namespace FhirAdapter.Core.Reading;

/// <summary>A problem with one field of a record, before the record's location is attached.</summary>
public sealed record FieldError(string Field, string Message);
