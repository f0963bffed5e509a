namespace FhirAdapter.Store.Records;

/// <summary>Every arrival so far, by what the version rules made of it.</summary>
public sealed record RecordOutcomeCounts(long Current, long New, long Superseded, long Repeats, long Stale, long Conflicts);
