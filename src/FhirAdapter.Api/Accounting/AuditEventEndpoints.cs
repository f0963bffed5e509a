using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Options;
using FhirAdapter.Api.Search;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Accounting;

/// <summary><c>GET /fhir/AuditEvent</c>, <c>POST /fhir/AuditEvent/_search</c> and <c>GET /fhir/AuditEvent/{id}</c>.</summary>
internal static class AuditEventEndpoints
{
    public static async Task<IResult> SearchAsync(HttpContext context, AuditEventService service, IOptions<FhirApiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var grant = Authorize(context, SmartPermission.Search);
        IQueryCollection parameters = context.Request.Query;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (!context.Request.HasFormContentType)
            {
                throw FhirApiException.BadRequest("POST _search takes its parameters as application/x-www-form-urlencoded");
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            parameters = new QueryCollection(form.ToDictionary(f => f.Key, f => f.Value));
        }

        var request = AuditEventSearch.Parse(parameters, options.Value, SearchRequest.IsStrict(context.Request));
        return FhirResults.Resource(await service.SearchAsync(request, grant, context.Request, context.RequestAborted).ConfigureAwait(false));
    }

    public static async Task<IResult> ReadAsync(HttpContext context, string id, AuditEventService service)
    {
        ArgumentNullException.ThrowIfNull(context);
        var grant = Authorize(context, SmartPermission.Read);
        return FhirResults.Resource(await service.ReadAsync(id, grant, context.RequestAborted).ConfigureAwait(false));
    }

    /// <summary>403 without an AuditEvent scope: <c>system/*.rs</c> does not include it (<see cref="SmartScope.ExplicitOnlyTypes"/>).</summary>
    private static AccessGrant Authorize(HttpContext context, SmartPermission permission)
    {
        var grant = ClientAuthenticationFilter.Grant(context);
        if (!grant.Allows(AuditEventService.ResourceType, permission))
        {
            var what = permission == SmartPermission.Read ? "read" : "search";
            throw FhirApiException.Forbidden(
                $"The access token has no {what} scope for AuditEvent: the accounting of disclosures needs system/AuditEvent.rs by name (system/*.rs does not include it)");
        }

        return grant;
    }
}
