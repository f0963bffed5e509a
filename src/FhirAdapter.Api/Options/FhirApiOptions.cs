using System.ComponentModel.DataAnnotations;
using FhirAdapter.Core.Configuration;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Options;

/// <summary>The pull API's settings, bound from <c>Adapter:Api</c> and validated on start.</summary>
public sealed class FhirApiOptions
{
    public const string SectionName = "Adapter:Api";

    /// <summary>Where the service listens (the FHIR API at <c>/fhir</c>, the console at <c>/</c>); a trailing <c>/fhir</c> is ignored.</summary>
    [Required]
    [HttpUrl]
    public string Url { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// The public base URL clients use (e.g. <c>https://adapter.clinic.example</c>), behind a reverse proxy. When empty,
    /// each request's own scheme and host are used. It sets the token URL that client assertions must name as <c>aud</c>.
    /// </summary>
    [HttpUrl(AllowQuery = false, ErrorMessage = "{0} must be an absolute http(s) URL without a query")]
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long an access token is good for; SMART Backend Services asks for at most five minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:05:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tolerated difference between the client's clock and ours when checking an assertion's times.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:02:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Page size when a search gives no <c>_count</c>.</summary>
    [Range(1, 5000)]
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>The largest <c>_count</c> honoured; a larger one is lowered to it.</summary>
    [Range(1, 5000)]
    public int MaxPageSize { get; set; } = 500;

    /// <summary>How long keys fetched from a client's <c>JwksUrl</c> are reused before being fetched again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Requests per client per window (the token endpoint counts too).</summary>
    [ValidateObjectMembers]
    public FhirApiRateLimitOptions RateLimit { get; set; } = new();

    [ValidateObjectMembers]
    public FhirApiExportOptions Export { get; set; } = new();

    /// <summary>The registered clients (EHRs), by index: <c>Adapter:Api:Clients:0:ClientId</c>, ...</summary>
    public IList<ApiClientOptions> Clients { get; } = [];
}
