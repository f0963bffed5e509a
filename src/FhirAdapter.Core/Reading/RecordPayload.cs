namespace FhirAdapter.Core.Reading;

/// <summary>The typed content of a record, one subtype per <see cref="RecordKind"/>.</summary>
public abstract record RecordPayload;
