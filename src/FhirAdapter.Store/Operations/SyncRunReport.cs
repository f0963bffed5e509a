using FhirAdapter.Store.Runs;

namespace FhirAdapter.Store.Operations;

/// <summary>A sync run with the full report its worker stored when it finished (null while running, or for runs before 0007).</summary>
public sealed record SyncRunReport(SyncRun Run, string? ReportJson);
