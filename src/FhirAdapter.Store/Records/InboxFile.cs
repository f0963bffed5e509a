namespace FhirAdapter.Store.Records;

/// <summary>An inbox file as the scan saw it: enough to tell next time, without reading it, that it did not change.</summary>
/// <param name="Path">The file's path as the worker names it (relative to the inbox is best: it survives a moved inbox).</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="LastWriteUtc">Last-write time.</param>
/// <param name="Sha256">SHA-256 of the content, lower-case hex.</param>
public sealed record InboxFile(string Path, long Size, DateTimeOffset LastWriteUtc, string Sha256);
