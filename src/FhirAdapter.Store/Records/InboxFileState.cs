namespace FhirAdapter.Store.Records;

/// <summary>A file checkpoint: the file as last processed, and when.</summary>
public sealed record InboxFileState(InboxFile File, DateTimeOffset ProcessedAt, int Records, int Rejected)
{
    /// <summary>Same size and last-write time: the scan may skip the file without hashing it.</summary>
    public bool LooksUnchanged(long size, DateTimeOffset lastWriteUtc) =>
        File.Size == size && File.LastWriteUtc.UtcTicks == lastWriteUtc.UtcTicks;
}
