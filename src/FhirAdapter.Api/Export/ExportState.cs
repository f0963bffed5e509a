namespace FhirAdapter.Api.Export;

internal enum ExportState
{
    Queued,
    Running,
    Completed,
    Failed,
}
