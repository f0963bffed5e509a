using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
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
        return await SendAsync(destination, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET a relative URL (a read or a search).</summary>
    public async Task<FhirResponse> GetAsync(DestinationOptions destination, string relativeUrl, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri(destination), relativeUrl));
        request.Options.Set(RequestMarks.Idempotent, true);
        return await SendAsync(destination, request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FhirResponse> SendAsync(DestinationOptions destination, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson.MediaType));
        var client = httpClients.CreateClient(ExchangeHttpClients.ForDestination(destination.Name));
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new FhirResponse((int)response.StatusCode, TryParse(text));
    }

    private static Resource? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Resource>(text, FhirJson.Lenient);
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or NotSupportedException or InvalidOperationException)
        {
            // A proxy's HTML error page or a non-FHIR body: the status still decides.
            return null;
        }
    }

    private static Uri BaseUri(DestinationOptions destination) =>
        new(destination.BaseUrl.EndsWith('/') ? destination.BaseUrl : destination.BaseUrl + "/");
}
