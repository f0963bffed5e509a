namespace FhirAdapter.Store.Runs;

/// <summary>What one sync run did.</summary>
public sealed record SyncRunCounts(int RecordsRead, int RecordsMapped, int RecordsDelivered, int RecordsRejected)
{
    public static readonly SyncRunCounts None = new(0, 0, 0, 0);
}
