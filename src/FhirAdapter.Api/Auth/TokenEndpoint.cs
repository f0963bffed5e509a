using FhirAdapter.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// <c>POST /auth/token</c>: the OAuth 2.0 client-credentials grant with a JWT client assertion (SMART Backend
/// Services). Errors follow RFC 6749 (JSON <c>error</c>), not FHIR, as OAuth clients expect.
/// </summary>
internal static class TokenEndpoint
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static async Task<IResult> HandleAsync(
        HttpContext context, ClientAssertionValidator validator, AccessTokens tokens, ClientRateLimiter limiter, ApiUrls urls, ILogger<ClientAssertionValidator> logger)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!context.Request.HasFormContentType)
        {
            return Error(400, "invalid_request", "Send the parameters as application/x-www-form-urlencoded");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (form["grant_type"] != "client_credentials")
        {
            return Error(400, "unsupported_grant_type", "grant_type must be client_credentials");
        }

        if (form["client_assertion_type"] != AssertionType)
        {
            return Error(400, "invalid_request", $"client_assertion_type must be {AssertionType}");
        }

        var assertion = form["client_assertion"].ToString();
        if (string.IsNullOrEmpty(assertion))
        {
            return Error(400, "invalid_request", "client_assertion is required");
        }

        var client = await validator.ValidateAsync(assertion, urls.Token(context.Request), context.RequestAborted).ConfigureAwait(false);
        if (client is null)
        {
            return Error(401, "invalid_client", "The client assertion was not accepted");
        }

        try
        {
            limiter.Acquire(client);
        }
        catch (FhirApiException e) when (e.Status == 429)
        {
            context.Response.Headers.RetryAfter = e.Headers["Retry-After"];
            return Error(429, "slow_down", e.Message);
        }

        var granted = SmartScope.Negotiate(form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries), client.Scopes);
        if (granted.Count == 0)
        {
            // Nothing asked for is both readable here and in the client's registration: nothing to grant.
            return Error(400, "invalid_scope", "None of the requested scopes can be granted to this client: it is registered for " + string.Join(' ', client.Scopes.Select(c => c.Text)));
        }

        var token = await tokens.IssueAsync(client, granted, context.RequestAborted).ConfigureAwait(false);
        var scopeText = string.Join(' ', granted.Select(s => s.Text));
        Log.TokenIssued(logger, client.ClientId, scopeText, tokens.Lifetime);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["token_type"] = "bearer",
            ["expires_in"] = (int)tokens.Lifetime.TotalSeconds,
            ["scope"] = scopeText,
        });
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}

