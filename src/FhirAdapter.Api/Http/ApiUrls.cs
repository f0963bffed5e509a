using FhirAdapter.Api.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Http;

/// <summary>The URLs the API tells clients: from <see cref="FhirApiOptions.PublicBaseUrl"/>, else from the request.</summary>
internal sealed class ApiUrls(IOptions<FhirApiOptions> options)
{
    public const string FhirPath = "/fhir";
    public const string TokenPath = "/auth/token";

    private readonly string? _configured = string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.TrimEnd('/');

    public string Base(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _configured ?? $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');
    }

    public string Fhir(HttpRequest request) => Base(request) + FhirPath;

    public string Token(HttpRequest request) => Base(request) + TokenPath;

    /// <summary>The request's own URL under the public base (for a Bundle's self link and the export manifest).</summary>
    public string Self(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Base(request) + request.Path + request.QueryString;
    }
}
