using System.Net;

namespace FhirAdapter.Exchange.Http;

/// <summary>
/// Reads Retry-After (delta-seconds or HTTP-date) against the injected clock, so that waits are testable with a
/// fake TimeProvider; the library's own parser compares dates with the system clock.
/// </summary>
internal static class RetryAfter
{
    public static TimeSpan? Delay(HttpResponseMessage? response, TimeProvider time, TimeSpan max)
    {
        if (response is null || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
        {
            return null;
        }

        var header = response.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (delay is null)
        {
            return null;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > max ? max : delay;
    }
}
