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

    /// <summary>Every resource of a type, page by page (Medplum's in-memory server pages by _offset and gives no next link).</summary>
    public static async Task<List<JsonObject>> AllAsync(FhirServerFixture server, string type)
    {
        const int Page = 1000;
        var resources = new List<JsonObject>();
        while (true)
        {
            var page = JsonNode.Parse(await server.Http.GetStringAsync($"{server.BaseUrl}/{type}?_count={Page}&_offset={resources.Count}"))!;
            var entries = (page["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!.AsObject()).ToList();
            resources.AddRange(entries);
            if (entries.Count < Page)
            {
                return resources;
            }
        }
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

    /// <summary>
    /// What the server holds, resource by resource: each resource's identity (type and identifier, Questionnaire url and
    /// version, or tag) → the resource as written, the server's id and versioning left out and every reference naming
    /// the identity of what it points at, so that two servers (or two runs) that hold the same data compare equal
    /// whatever ids they gave. A second resource of one identity is listed under the identity with " (duplicate N)".
    /// </summary>
    public static async Task<SortedDictionary<string, string>> SnapshotAsync(FhirServerFixture server)
    {
        var all = new List<(string Type, JsonObject Resource)>();
        foreach (var type in Types)
        {
            all.AddRange((await AllAsync(server, type)).Select(r => (type, r)));
        }

        var identities = all.ToDictionary(x => $"{x.Type}/{x.Resource["id"]}", x => $"{x.Type} {Identity(x.Type, x.Resource)}", StringComparer.Ordinal);
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (type, resource) in all)
        {
            var key = identities[$"{type}/{resource["id"]}"];
            for (var n = 2; snapshot.ContainsKey(key); n++)
            {
                key = $"{identities[$"{type}/{resource["id"]}"]} (duplicate {n})";
            }

            snapshot[key] = Normalize(resource, reference => identities.GetValueOrDefault(reference, reference));
        }

        return snapshot;
    }

    /// <summary>A resource in the form <see cref="SnapshotAsync"/> compares: see there. Also drops the time a disclosure notice was recorded (it is the time of the send).</summary>
    public static string Normalize(JsonObject resource, Func<string, string> reference)
    {
        var copy = resource.DeepClone().AsObject();
        copy.Remove("id");
        if (copy["meta"] is JsonObject meta)
        {
            meta.Remove("versionId");
            meta.Remove("lastUpdated");
            meta.Remove("source");
            if (meta.Count == 0)
            {
                copy.Remove("meta");
            }
        }

        if ((string?)copy["resourceType"] == "Provenance" && copy["policy"] is not null)
        {
            copy.Remove("recorded");
        }

        Rewrite(copy, reference);
        return Canonical(copy).ToJsonString();
    }

    private static void Rewrite(JsonNode? node, Func<string, string> reference)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["reference"] is JsonValue v && v.TryGetValue<string>(out var target))
                {
                    o["reference"] = reference(target);
                }

                foreach (var (_, child) in o.ToList())
                {
                    Rewrite(child, reference);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Rewrite(child, reference);
                }

                break;
        }
    }

    /// <summary>
    /// Properties in ordinal order at every level, numbers by their value: two writers' property orders make no
    /// difference, nor does a JavaScript server writing 41.0 back as 41.
    /// </summary>
    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonical)]),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number =>
            JsonValue.Create(decimal.Parse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture) / 1.000000000000000000000000000000000m),
        null => null,
        _ => node.DeepClone(),
    };

    /// <summary>A resource's business identity, as <see cref="SnapshotAsync"/> names it.</summary>
    public static string? Identity(string type, JsonObject resource)
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
