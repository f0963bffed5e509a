using System.Text.Json.Nodes;
using FhirAdapter.Testing;

namespace FhirAdapter.Worker.Tests.Support;

/// <summary>What the real FHIR server holds, read back through its own search API.</summary>
internal static class ServerContents
{
    public static readonly string[] Types =
    [
        "Patient", "Practitioner", "Questionnaire", "QuestionnaireResponse", "Observation", "Condition", "MedicationStatement",
        "Flag", "RiskAssessment", "AllergyIntolerance", "ServiceRequest", "Consent", "Encounter", "EpisodeOfCare",
        "MedicationAdministration", "AdverseEvent", "DocumentReference", "Provenance",
    ];

    /// <summary>Every resource of a type, following the server's paging links.</summary>
    public static async Task<List<JsonObject>> AllAsync(FhirServerFixture server, string type)
    {
        var resources = new List<JsonObject>();
        var url = $"{server.BaseUrl}/{type}?_count=1000";
        while (url is not null)
        {
            var page = JsonNode.Parse(await server.Http.GetStringAsync(url))!;
            resources.AddRange((page["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!.AsObject()));
            url = page["link"]?.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next")?["url"]?.GetValue<string>();
        }

        return resources;
    }

    /// <summary>How many resources of each type the server holds.</summary>
    public static async Task<SortedDictionary<string, int>> CountsAsync(FhirServerFixture server)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var type in Types)
        {
            counts[type] = (await AllAsync(server, type)).Count;
        }

        return counts;
    }

    /// <summary>Business identities (identifier, Questionnaire url|version, or tag) that occur more than once: duplicates.</summary>
    public static async Task<List<string>> DuplicatesAsync(FhirServerFixture server)
    {
        var duplicates = new List<string>();
        foreach (var type in Types)
        {
            var keys = (await AllAsync(server, type)).Select(r => Identity(type, r)).Where(k => k is not null).ToList();
            duplicates.AddRange(keys.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => $"{type} {g.Key} x{g.Count()}"));
        }

        return duplicates;
    }

    private static string? Identity(string type, JsonObject resource)
    {
        if (type == "Questionnaire")
        {
            return $"{resource["url"]}|{resource["version"]}";
        }

        var identifier = resource["identifier"] is JsonArray array ? array.FirstOrDefault() : resource["identifier"];
        if (identifier is not null)
        {
            return $"{identifier["system"]}|{identifier["value"]}";
        }

        var tag = resource["meta"]?["tag"]?.AsArray().FirstOrDefault();
        return tag is null ? null : $"{tag["system"]}|{tag["code"]}";
    }
}
