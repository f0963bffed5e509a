using System.Net;
using System.Net.Http.Headers;
using FhirAdapter.Exchange.Options;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Exchange.Auth;

/// <summary>
/// Adds the destination's credentials to each attempt. It sits inside the resilience pipeline, so every retry
/// carries a current token; a 401 with SMART fetches a new token once and repeats the attempt once.
/// </summary>
internal sealed class AuthenticationHandler(DestinationOptions destination, TokenClients tokens, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        switch (destination.Auth.Type)
        {
            case AuthType.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", destination.Auth.Token);
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            case AuthType.SmartBackend:
                return await SendWithSmartTokenAsync(request, cancellationToken).ConfigureAwait(false);
            default:
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendWithSmartTokenAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var client = tokens.For(destination.Name);
        var token = await client.GetTokenAsync(null, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // Tokens can be revoked or expire early on the server's side: one new token, one more try.
        Log.TokenRejected(logger, destination.Name);
        response.Dispose();
        token = await client.GetTokenAsync(token, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
