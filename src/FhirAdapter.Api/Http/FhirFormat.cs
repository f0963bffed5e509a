using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace FhirAdapter.Api.Http;

/// <summary>The representation a FHIR answer is written in.</summary>
internal enum FhirFormat
{
    Json,
    Xml,
}

/// <summary>
/// Content negotiation (FHIR R4 http.html §2.21.0.6): <c>_format</c> overrides <c>Accept</c>; JSON and XML are served
/// (both with Firely's serializers); a request that accepts neither gets 406 Not Acceptable. No Accept at all, or
/// <c>*/*</c>, gets JSON.
/// </summary>
internal static class FhirFormats
{
    private const string ItemKey = "FhirAdapter.Api.Format";

    /// <summary>Endpoint metadata: the endpoint writes no FHIR resource on success (NDJSON, a manifest), so Accept is not checked.</summary>
    public static readonly object NotNegotiated = new NotNegotiatedMarker();

    private static readonly Dictionary<string, FhirFormat> MediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/fhir+json"] = FhirFormat.Json,
        ["application/json+fhir"] = FhirFormat.Json,
        ["application/json"] = FhirFormat.Json,
        ["text/json"] = FhirFormat.Json,
        ["json"] = FhirFormat.Json,
        ["application/fhir+xml"] = FhirFormat.Xml,
        ["application/xml+fhir"] = FhirFormat.Xml,
        ["application/xml"] = FhirFormat.Xml,
        ["text/xml"] = FhirFormat.Xml,
        ["xml"] = FhirFormat.Xml,
        ["*/*"] = FhirFormat.Json,
        ["application/*"] = FhirFormat.Json,
    };

    /// <summary>The format of this request's answer, decided once.</summary>
    /// <exception cref="FhirApiException">406: neither JSON nor XML is acceptable.</exception>
    public static FhirFormat Negotiate(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[ItemKey] is FhirFormat decided)
        {
            return decided;
        }

        var format = Decide(context.Request);
        context.Items[ItemKey] = format;
        return format;
    }

    /// <summary>The negotiated format, or JSON when negotiation failed or never ran (an error answer must still be written).</summary>
    public static FhirFormat Chosen(HttpContext context) => context.Items[ItemKey] is FhirFormat f ? f : FhirFormat.Json;

    public static bool IsNegotiated(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<NotNegotiatedMarker>() is null;

    private static FhirFormat Decide(HttpRequest request)
    {
        if (request.Query["_format"] is { Count: > 0 } formats)
        {
            var value = formats[0]!.Split(';')[0].Trim();
            return MediaTypes.TryGetValue(value, out var f) && !value.Contains('*', StringComparison.Ordinal)
                ? f
                : throw new FhirApiException(406, Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported, $"_format '{value}' is not served: use json or xml");
        }

        var accept = request.Headers.Accept;
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return FhirFormat.Json;
        }

        foreach (var range in ranges.OrderByDescending(r => r.Quality ?? 1))
        {
            if (range.Quality is not 0 && MediaTypes.TryGetValue(range.MediaType.Value ?? "", out var f))
            {
                return f;
            }
        }

        throw new FhirApiException(406, Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported,
            "None of the Accept media types is served: use application/fhir+json or application/fhir+xml");
    }
}

internal sealed class NotNegotiatedMarker;
