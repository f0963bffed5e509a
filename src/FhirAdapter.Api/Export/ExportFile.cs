namespace FhirAdapter.Api.Export;

/// <summary>One NDJSON file of a finished export: all resources of one type.</summary>
internal sealed record ExportFile(string ResourceType, string Name, long Count);
