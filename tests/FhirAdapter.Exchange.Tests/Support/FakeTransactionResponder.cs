using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirAdapter.Exchange.Tests.Support;

/// <summary>
/// Answers a transaction like a FHIR server would: a stable id per conditional URL, a version that grows per write,
/// location and ETag per entry. Remembers every request Bundle it saw.
/// </summary>
internal sealed class FakeTransactionResponder
{
    private readonly ConcurrentDictionary<string, int> _versions = new();

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    public static string IdFor(string conditionalUrl) =>
        "id" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(conditionalUrl)))[..12];

    public string Respond(string requestBody)
    {
        var request = JsonNode.Parse(requestBody)!;
        Requests.Enqueue(request);
        var entries = new JsonArray();
        foreach (var entry in request["entry"]!.AsArray())
        {
            var url = entry!["request"]!["url"]!.GetValue<string>();
            var type = entry["resource"]!["resourceType"]!.GetValue<string>();
            var id = url.Contains('?', StringComparison.Ordinal) ? IdFor(url) : url[(url.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var version = _versions.AddOrUpdate($"{type}/{id}", 1, (_, v) => v + 1);
            entries.Add(new JsonObject
            {
                ["response"] = new JsonObject
                {
                    ["status"] = version == 1 ? "201 Created" : "200 OK",
                    ["location"] = $"{type}/{id}/_history/{version}",
                    ["etag"] = $"W/\"{version}\"",
                },
            });
        }

        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction-response", ["entry"] = entries }.ToJsonString();
    }
}
