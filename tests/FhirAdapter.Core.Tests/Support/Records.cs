using System.Text.Json.Nodes;

namespace FhirAdapter.Core.Tests.Support;

/// <summary>Valid records of each kind to start a test from, as mutable JSON.</summary>
internal static class Records
{
    public static JsonObject Example(string kind) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.RecordExamples, $"{kind}.json")))!.AsObject();

    public static string Line(JsonObject record) => record.ToJsonString();

    public static JsonObject With(this JsonObject record, string path, JsonNode? value)
    {
        var copy = record.DeepClone().AsObject();
        var parts = path.Split('.');
        JsonObject target = copy;
        foreach (var part in parts[..^1])
        {
            target = target[part]!.AsObject();
        }

        target[parts[^1]] = value;
        return copy;
    }

    public static JsonObject Without(this JsonObject record, string path)
    {
        var copy = record.DeepClone().AsObject();
        var parts = path.Split('.');
        JsonObject target = copy;
        foreach (var part in parts[..^1])
        {
            target = target[part]!.AsObject();
        }

        target.Remove(parts[^1]);
        return copy;
    }
}
