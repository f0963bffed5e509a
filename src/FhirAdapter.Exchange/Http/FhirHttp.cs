using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Exchange.Options;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Exchange.Http;

/// <summary>FHIR requests over a destination's named client (and so through its pipeline and auth handler).</summary>
internal sealed class FhirHttp(IHttpClientFactory httpClients)
{
    public async Task<FhirResponse> PostTransactionAsync(DestinationOptions destination, Bundle bundle, bool idempotent, CancellationToken cancellationToken)
    {
        // POST [base], exactly as configured (no trailing slash added).
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(destination.BaseUrl.TrimEnd('/')));
        request.Content = new StringContent(JsonSerializer.Serialize(bundle, FhirJson.Compact), Encoding.UTF8, FhirJson.MediaType);
        request.Options.Set(RequestMarks.Idempotent, idempotent);
        return await SendAsync(destination, request, cancellationToken, slimEntries: true).ConfigureAwait(false);
    }

    /// <summary>GET a relative URL (a read or a search).</summary>
    public async Task<FhirResponse> GetAsync(DestinationOptions destination, string relativeUrl, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri(destination), relativeUrl));
        request.Options.Set(RequestMarks.Idempotent, true);
        return await SendAsync(destination, request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FhirResponse> SendAsync(DestinationOptions destination, HttpRequestMessage request, CancellationToken cancellationToken, bool slimEntries = false)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson.MediaType));
        var client = httpClients.CreateClient(ExchangeHttpClients.ForDestination(destination.Name));
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new FhirResponse((int)response.StatusCode, TryParse(text, slimEntries));
    }

    private static Resource? TryParse(string text, bool slimEntries)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            if (!slimEntries)
            {
                return JsonSerializer.Deserialize<Resource>(text, FhirJson.Lenient);
            }

            // Parsed once: a transaction-response is cut down in place, any other body (an OperationOutcome) read as it is.
            var node = JsonNode.Parse(text);
            if (node is JsonObject answer)
            {
                SlimResponseBundle(answer);
            }

            return node?.Deserialize<Resource>(FhirJson.Lenient);
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or NotSupportedException or InvalidOperationException)
        {
            // A proxy's HTML error page or a non-FHIR body: the status still decides.
            return null;
        }
    }

    /// <summary>
    /// Cuts each entry's resource of a transaction-response down to its type, id and meta.versionId, which is all the
    /// judging of entries reads (statuses, locations, ETags and outcomes stay whole); any other body is left as it is. A
    /// server echoes every written resource back: reading them all into the model cost as much as preparing them to send.
    /// </summary>
    private static void SlimResponseBundle(JsonObject bundle)
    {
        if ((string?)bundle["resourceType"] != "Bundle"
            || bundle["type"]?.GetValue<string>() is not ("transaction-response" or "batch-response") || bundle["entry"] is not JsonArray entries)
        {
            return;
        }

        foreach (var entry in entries.OfType<JsonObject>())
        {
            if (entry["resource"] is JsonObject resource && (string?)resource["resourceType"] is { } type && type != "OperationOutcome")
            {
                var slim = new JsonObject { ["resourceType"] = type, ["id"] = resource["id"]?.DeepClone() };
                if (resource["meta"] is JsonObject { } meta && meta["versionId"] is { } versionId)
                {
                    slim["meta"] = new JsonObject { ["versionId"] = versionId.DeepClone() };
                }

                entry["resource"] = slim;
            }
        }
    }

    private static Uri BaseUri(DestinationOptions destination) =>
        new(destination.BaseUrl.EndsWith('/') ? destination.BaseUrl : destination.BaseUrl + "/");
}
