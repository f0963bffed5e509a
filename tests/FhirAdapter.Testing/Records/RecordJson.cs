using System.Text.Json.Nodes;

namespace FhirAdapter.Testing;

/// <summary>
/// Valid records of each kind to start a test from, as mutable JSON (the clinic export contract's examples,
/// <see cref="RepoPaths.RecordExamples"/>), and the small edits tests make to them.
/// </summary>
public static class RecordJson
{
    public static JsonObject Example(string kind) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.RecordExamples, $"{kind}.json")))!.AsObject();

    /// <summary>The record as one NDJSON line.</summary>
    public static string Line(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.ToJsonString();
    }

    /// <summary>A copy with the value at a dotted path (<c>dose.totalMg</c>) set.</summary>
    public static JsonObject With(this JsonObject record, string path, JsonNode? value)
    {
        var (copy, target, name) = Locate(record, path);
        target[name] = value;
        return copy;
    }

    /// <summary>A copy without the value at a dotted path.</summary>
    public static JsonObject Without(this JsonObject record, string path)
    {
        var (copy, target, name) = Locate(record, path);
        target.Remove(name);
        return copy;
    }

    /// <summary>A consent's <c>recipients</c>: one organization per id.</summary>
    public static JsonArray Recipients(params string[] organizationIds) =>
        [.. organizationIds.Select(id => (JsonNode)new JsonObject { ["name"] = $"Organization {id}", ["organizationId"] = id })];

    public static JsonArray Array(params string[] values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    private static (JsonObject Copy, JsonObject Target, string Name) Locate(JsonObject record, string path)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(path);
        var copy = record.DeepClone().AsObject();
        var parts = path.Split('.');
        var target = copy;
        foreach (var part in parts[..^1])
        {
            target = target[part]!.AsObject();
        }

        return (copy, target, parts[^1]);
    }
}
