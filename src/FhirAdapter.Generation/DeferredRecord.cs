using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>A record held back for the next export's updates file (bounded by one export's worth).</summary>
internal sealed record DeferredRecord(RecordKind Kind, byte[] Json);
