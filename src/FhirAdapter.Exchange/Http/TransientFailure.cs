using System.Net;
using Polly;
using Polly.Timeout;

namespace FhirAdapter.Exchange.Http;

/// <summary>Which failures are worth another attempt (see docs/exchange.md).</summary>
internal static class TransientFailure
{
    /// <summary>Statuses a retry may cure. 500 is not among them: a server bug rarely heals in seconds.</summary>
    public static bool IsRetryableStatus(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout
        or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
        or HttpStatusCode.GatewayTimeout;

    public static bool IsRetryable(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException => true,
        TimeoutRejectedException => true,
        null => outcome.Result is { } response && IsRetryableStatus(response.StatusCode),
        _ => false,
    };

    /// <summary>What counts against a destination's circuit: anything that says the server is unwell.</summary>
    public static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException or TimeoutRejectedException => true,
        null => outcome.Result is { } response && ((int)response.StatusCode >= 500 || IsRetryableStatus(response.StatusCode)),
        _ => false,
    };

    public static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : "no response",
        TimeoutRejectedException => "timeout",
        HttpRequestException e => e.HttpRequestError == HttpRequestError.Unknown ? "connection error" : $"connection error ({e.HttpRequestError})",
        var e => e.GetType().Name,
    };
}
