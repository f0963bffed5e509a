using FhirAdapter.Core.Reading;

namespace FhirAdapter.Store.Records;

/// <summary>The outcome of an <see cref="IngestBatch"/>.</summary>
/// <param name="Arrivals">One per record, in the batch's order.</param>
/// <param name="QuarantineIds">The id of each rejected entry (an existing id when it was quarantined before).</param>
/// <param name="DirtyPatients">Patient keys (and <see cref="StoreKeys.Questionnaires"/>) that now need mapping, including those released from a hold.</param>
public sealed record IngestResult(IReadOnlyList<ArrivalResult> Arrivals, IReadOnlyList<long> QuarantineIds, IReadOnlyList<string> DirtyPatients)
{
    public int Count(VersionOutcome outcome) => Arrivals.Count(a => a.Outcome == outcome);
}
