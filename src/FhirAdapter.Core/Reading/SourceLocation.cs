namespace FhirAdapter.Core.Reading;

/// <summary>Where a record was read: the file and the NDJSON line, the CSV row, or the JSON array index.</summary>
public sealed record SourceLocation(string File, int? Line = null, int? Row = null, int? Index = null)
{
    public override string ToString() => (Line, Row, Index) switch
    {
        (_, { } row, _) when Line is { } line => $"{File} row {row} (line {line})",
        (_, { } row, _) => $"{File} row {row}",
        ({ } line, _, _) => $"{File} line {line}",
        (_, _, { } index) => $"{File} [{index}]",
        _ => File,
    };
}
