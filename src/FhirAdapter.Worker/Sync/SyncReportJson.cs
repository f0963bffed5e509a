using System.Text.Json;

namespace FhirAdapter.Worker.Sync;

/// <summary>The stored form of a <see cref="SyncReport"/>: its properties by name, as the console reads them.</summary>
internal static class SyncReportJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Serialize(SyncReport report) => JsonSerializer.Serialize(report, Options);
}
