using System.Text.Json.Nodes;
using WireMock;
using WireMock.Logging;
using WireMock.Types;
using WireMock.Util;

namespace FhirAdapter.Exchange.Tests.Support;

internal static class WireMockFhir
{
    public const string FhirJson = "application/fhir+json";

    public static ResponseMessage Json(int status, string body, IDictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(FhirJson) };
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            all[k] = new WireMockList<string>(v);
        }

        return new ResponseMessage
        {
            StatusCode = status,
            Headers = all,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
        };
    }

    public static string Outcome(string code, string diagnostics) => new JsonObject
    {
        ["resourceType"] = "OperationOutcome",
        ["issue"] = new JsonArray(new JsonObject { ["severity"] = "error", ["code"] = code, ["diagnostics"] = diagnostics }),
    }.ToJsonString();

    public static JsonNode Body(ILogEntry entry) => JsonNode.Parse(entry.RequestMessage.Body!)!;

    public static string? Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers is { } h && h.TryGetValue(name, out var v) ? v.ToString() : null;
}
