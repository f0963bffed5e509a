using FhirAdapter.Api.Accounting;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Disclosure;
using FhirAdapter.Api.Export;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Metadata;
using FhirAdapter.Api.Options;
using FhirAdapter.Api.Search;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the pull API: <c>/auth/token</c> and everything under <c>/fhir</c>.</summary>
public static class FhirApiEndpoints
{
    /// <summary>
    /// Maps <c>POST /auth/token</c>, the anonymous <c>/fhir/metadata</c> and <c>/fhir/.well-known/smart-configuration</c>,
    /// and the protected FHIR endpoints (search, read, <c>$everything</c>, Bulk Data, the accounting of disclosures as AuditEvents). Needs
    /// <see cref="Microsoft.Extensions.DependencyInjection.FhirApiServiceCollectionExtensions.AddFhirApi"/>. No middleware is
    /// required: authentication, rate limiting and errors are endpoint filters.
    /// </summary>
    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(ApiUrls.TokenPath, TokenEndpoint.HandleAsync).DisableAntiforgery();
        endpoints.MapGet(ApiUrls.AuthorizePath, () => Results.Json(
            new Dictionary<string, string> { ["error"] = "unsupported_response_type", ["error_description"] = "Only SMART Backend Services is supported: POST /auth/token" },
            statusCode: 400));

        var fhir = endpoints.MapGroup(ApiUrls.FhirPath).AddEndpointFilter<FhirErrorFilter>();
        fhir.MapGet("/metadata", (HttpContext c, ApiUrls urls, TimeProvider time) =>
            FhirResults.Resource(CapabilityStatementBuilder.Build(urls.Fhir(c.Request), urls.Token(c.Request), urls.Base(c.Request) + ApiUrls.AuthorizePath, time.GetUtcNow())));
        fhir.MapGet("/.well-known/smart-configuration", (HttpContext c, ApiUrls urls) => Results.Json(new Dictionary<string, object>
        {
            ["token_endpoint"] = urls.Token(c.Request),
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["scopes_supported"] = new[] { "system/*.rs", "system/*.read", "system/Patient.rs", "system/AuditEvent.rs" },
            ["capabilities"] = new[] { "client-confidential-asymmetric", "permission-v2", "permission-v1" },
        }));

        var data = fhir.MapGroup("").AddEndpointFilter<ClientAuthenticationFilter>();
        data.MapGet("/$export", (HttpContext c, ExportJobs jobs, ApiUrls urls, TimeProvider time) => ExportEndpoints.KickOff(c, patientLevel: false, jobs, urls, time));
        data.MapGet("/Patient/$export", (HttpContext c, ExportJobs jobs, ApiUrls urls, TimeProvider time) => ExportEndpoints.KickOff(c, patientLevel: true, jobs, urls, time));
        data.MapGet($"/{ExportEndpoints.StatusPath}/{{id}}", (HttpContext c, string id, ExportJobs jobs) => ExportEndpoints.Status(c, id, jobs));
        data.MapDelete($"/{ExportEndpoints.StatusPath}/{{id}}", (HttpContext c, string id, ExportJobs jobs) => ExportEndpoints.Cancel(c, id, jobs));
        data.MapGet($"/{ExportEndpoints.FilePath}/{{id}}/{{name}}", (HttpContext c, string id, string name, ExportJobs jobs, PatientAccess access) =>
            ExportEndpoints.FileAsync(c, id, name, jobs, access));

        data.MapGet("/Patient/{id}/$everything", EverythingAsync);
        // The accounting of disclosures: literal routes, so they win over the generic /{type} ones.
        data.MapGet($"/{AuditEventService.ResourceType}", AuditEventEndpoints.SearchAsync);
        data.MapPost($"/{AuditEventService.ResourceType}/_search", AuditEventEndpoints.SearchAsync).DisableAntiforgery();
        data.MapGet($"/{AuditEventService.ResourceType}/{{id}}", AuditEventEndpoints.ReadAsync);
        data.MapGet("/{type}/{id}", ReadAsync);
        data.MapGet("/{type}", SearchQueryAsync);
        // POST _search keeps search values (an MRN) out of URLs, and so out of proxy and access logs.
        data.MapPost("/{type}/_search", async (HttpContext c, string type, SearchService search, PatientAccess access, IOptions<FhirApiOptions> options) =>
        {
            if (!c.Request.HasFormContentType)
            {
                throw FhirApiException.BadRequest("POST _search takes its parameters as application/x-www-form-urlencoded");
            }

            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            return await SearchAsync(c, type, search, access, options, new QueryCollection(form.ToDictionary(f => f.Key, f => f.Value)));
        }).DisableAntiforgery();
        return endpoints;
    }

    private static Task<IResult> SearchQueryAsync(HttpContext c, string type, SearchService search, PatientAccess access, IOptions<FhirApiOptions> options) =>
        SearchAsync(c, type, search, access, options, c.Request.Query);

    private static async Task<IResult> SearchAsync(HttpContext c, string type, SearchService search, PatientAccess access, IOptions<FhirApiOptions> options, IQueryCollection parameters)
    {
        if (!SearchTypes.IsSearchable(type))
        {
            throw new FhirApiException(404, OperationOutcome.IssueType.NotSupported, $"Searching {type} is not supported");
        }

        var grant = ClientAuthenticationFilter.Grant(c);
        if (!grant.Allows(type, SmartPermission.Search))
        {
            throw FhirApiException.Forbidden($"The access token has no search scope for {type} (e.g. system/{type}.rs)");
        }

        var request = SearchRequest.Parse(type, parameters, options.Value);
        return FhirResults.Resource(await search.SearchAsync(request, access.Begin(grant), c.Request, c.RequestAborted));
    }

    private static async Task<IResult> ReadAsync(HttpContext c, string type, string id, SearchService search, PatientAccess access)
    {
        if (!SearchTypes.Readable.Contains(type))
        {
            throw new FhirApiException(404, OperationOutcome.IssueType.NotSupported, $"Reading {type} is not supported");
        }

        var grant = ClientAuthenticationFilter.Grant(c);
        if (!grant.Allows(type, SmartPermission.Read))
        {
            throw FhirApiException.Forbidden($"The access token has no read scope for {type} (e.g. system/{type}.rs)");
        }

        return FhirResults.Resource(await search.ReadAsync(type, id, access.Begin(grant), c.RequestAborted));
    }

    private static async Task<IResult> EverythingAsync(HttpContext c, string id, SearchService search, PatientAccess access)
    {
        var grant = ClientAuthenticationFilter.Grant(c);
        if (!grant.Allows(SearchTypes.Patient, SmartPermission.Read))
        {
            throw FhirApiException.Forbidden("The access token has no read scope for Patient (e.g. system/Patient.rs)");
        }

        IReadOnlySet<string>? types = null;
        DateTimeOffset? since = null;
        foreach (var (name, value) in c.Request.Query)
        {
            switch (name)
            {
                case "_type":
                    types = value.SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
                    break;
                case "_since" when DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var s):
                    since = s;
                    break;
                case "_format":
                    break;
                default:
                    throw FhirApiException.BadRequest($"Parameter '{name}' is not supported by $everything (supported: _type, _since)");
            }
        }

        return FhirResults.Resource(await search.EverythingAsync(id, types, since, access.Begin(grant), c.Request, c.RequestAborted));
    }
}
