using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>A record held back for the next batch's updates file (bounded by one batch's worth).</summary>
internal sealed record DeferredRecord(RecordKind Kind, byte[] Json);
