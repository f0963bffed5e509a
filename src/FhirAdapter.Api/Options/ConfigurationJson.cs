using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace FhirAdapter.Api.Options;

/// <summary>A configuration section back as JSON: children named 0, 1, ... become an array, other sections objects, leaves strings.</summary>
internal static class ConfigurationJson
{
    public static JsonNode ToJson(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return JsonValue.Create(section.Value ?? "");
        }

        if (children.All(c => int.TryParse(c.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture)))
            {
                array.Add(ToJson(child));
            }

            return array;
        }

        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Key] = ToJson(child);
        }

        return obj;
    }
}
