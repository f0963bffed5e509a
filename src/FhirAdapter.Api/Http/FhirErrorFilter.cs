using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Api.Http;

/// <summary>Turns every failure of a FHIR endpoint into an OperationOutcome with the right status; an unexpected one is logged by type only.</summary>
internal sealed class FhirErrorFilter(ILogger<FhirErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            if (FhirFormats.IsNegotiated(context.HttpContext.GetEndpoint()))
            {
                // Before the handler: a 406 must come before anything is disclosed (and accounted).
                FhirFormats.Negotiate(context.HttpContext);
            }

            return await next(context).ConfigureAwait(false);
        }
        catch (FhirApiException e)
        {
            foreach (var (name, value) in e.Headers)
            {
                context.HttpContext.Response.Headers[name] = value;
            }

            return FhirResults.Resource(FhirResults.Outcome(e.Code, e.Message), e.Status);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The message could quote data (a store error naming a value); the type is enough to find it.
            var endpoint = context.HttpContext.GetEndpoint() as RouteEndpoint;
            Log.RequestFailed(logger, context.HttpContext.Request.Method, endpoint?.RoutePattern.RawText ?? "?", e.GetType().Name);
            return FhirResults.Resource(FhirResults.Outcome(OperationOutcome.IssueType.Exception, "The server could not answer; the error is logged."), 500);
        }
    }
}
