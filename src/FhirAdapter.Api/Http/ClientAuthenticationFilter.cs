using FhirAdapter.Api.Auth;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Api.Http;

/// <summary>
/// No anonymous access to patient data: every protected endpoint needs a live bearer token (401 otherwise), then
/// counts against its client's rate limit (429). The grant is left in <see cref="HttpContext.Items"/> for the handler.
/// </summary>
internal sealed class ClientAuthenticationFilter(AccessTokens tokens, ClientRateLimiter limiter) : IEndpointFilter
{
    private const string GrantKey = "FhirAdapter.Api.Grant";

    public static AccessGrant Grant(HttpContext context) =>
        context.Items[GrantKey] as AccessGrant ?? throw new InvalidOperationException("The endpoint is not behind the authentication filter");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw FhirApiException.Unauthorized("An access token is required (SMART Backend Services: POST /auth/token)");
        }

        var grant = await tokens.FindAsync(header["Bearer ".Length..].Trim(), context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (grant is null)
        {
            var error = FhirApiException.Unauthorized("The access token is unknown or expired");
            error.Headers["WWW-Authenticate"] = "Bearer error=\"invalid_token\"";
            throw error;
        }

        limiter.Acquire(grant.Client);
        context.HttpContext.Items[GrantKey] = grant;
        return await next(context).ConfigureAwait(false);
    }
}
