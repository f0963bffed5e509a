using System.Text.Json;

namespace FhirAdapter.Api.Export;

/// <summary>
/// What a bulk export kick-off asked, kept with the job in the store (as JSON) so that any instance can run it, answer
/// its status and serve its files: the grant's scopes (narrowed again to the client's registration when it runs), the
/// URLs of the manifest, the level, the types, <c>_since</c>, whether the notice goes as Provenance.ndjson, and what
/// was ignored under <c>Prefer: handling=lenient</c>.
/// </summary>
internal sealed record ExportRequest(
    string Scopes,
    string RequestUrl,
    string FhirBase,
    bool PatientLevel,
    IReadOnlyList<string> Types,
    DateTimeOffset? Since,
    bool IncludeNotice,
    IReadOnlyList<string> Ignored)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static ExportRequest Parse(string json) => JsonSerializer.Deserialize<ExportRequest>(json) ?? throw new InvalidOperationException("An export job without its request");
}

/// <summary>One NDJSON file of a finished export: all resources of one type.</summary>
internal sealed record ExportFile(string ResourceType, string Name, long Count)
{
    public static string ToJson(IReadOnlyList<ExportFile> files) => JsonSerializer.Serialize(files);

    public static IReadOnlyList<ExportFile> Parse(string? json) => json is null ? [] : JsonSerializer.Deserialize<List<ExportFile>>(json) ?? [];
}
