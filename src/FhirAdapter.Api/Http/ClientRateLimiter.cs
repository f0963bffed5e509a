using System.Globalization;
using System.Threading.RateLimiting;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Options;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Http;

/// <summary>
/// ASP.NET Core's fixed-window rate limiter, partitioned by client id. Applied inside the API's own filters rather
/// than as middleware, so it works in whatever host maps the endpoints, and counts per client (known only after the
/// token is checked) instead of per address. Per instance: with several instances, each counts its own requests.
/// </summary>
internal sealed class ClientRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<RegisteredClient> _limiter;
    private readonly ILogger _logger;

    public ClientRateLimiter(IOptions<FhirApiOptions> options, ILogger<ClientRateLimiter> logger)
    {
        var settings = options.Value.RateLimit;
        _logger = logger;
        _limiter = PartitionedRateLimiter.Create<RegisteredClient, string>(client => RateLimitPartition.GetFixedWindowLimiter(client.ClientId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = client.PermitLimit ?? settings.PermitLimit,
            Window = settings.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <exception cref="FhirApiException">429 with Retry-After when the client is over its limit.</exception>
    public void Acquire(RegisteredClient client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            return;
        }

        Log.RateLimited(_logger, client.ClientId);
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
        var error = new FhirApiException(429, OperationOutcome.IssueType.Throttled, $"Too many requests: retry after {retry} s");
        error.Headers["Retry-After"] = retry.ToString(CultureInfo.InvariantCulture);
        throw error;
    }

    public void Dispose() => _limiter.Dispose();
}
