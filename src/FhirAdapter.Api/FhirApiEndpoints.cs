using System.Globalization;
using FhirAdapter.Api.Accounting;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Disclosure;
using FhirAdapter.Api.Export;
using FhirAdapter.Store;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Metadata;
using FhirAdapter.Api.Options;
using FhirAdapter.Api.Search;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the pull API: <c>/auth/token</c> and everything under <c>/fhir</c>.</summary>
public static class FhirApiEndpoints
{
    /// <summary>
    /// Maps <c>POST /auth/token</c>, the anonymous <c>/fhir/metadata</c> and <c>/fhir/.well-known/smart-configuration</c>,
    /// and the protected FHIR endpoints (search, read, vread, <c>$everything</c>, Bulk Data, the accounting of disclosures as
    /// AuditEvents). Needs <see cref="Microsoft.Extensions.DependencyInjection.FhirApiServiceCollectionExtensions.AddFhirApi"/>.
    /// No middleware is required: authentication, rate limiting, content negotiation and errors are endpoint filters.
    /// The routes are those of <see cref="FhirRoutes.Interactions"/>; anything else under <c>/fhir</c> is a 404 or 405 with an OperationOutcome.
    /// </summary>
    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(ApiUrls.TokenPath, TokenEndpoint.HandleAsync).DisableAntiforgery();
        // SMART App Launch 2.x: authorization_endpoint is required only with the launch-ehr or launch-standalone
        // capability; this server has neither (Backend Services only), so it advertises no authorize endpoint and has none.
        endpoints.MapGet(ApiUrls.FhirPath + "/.well-known/smart-configuration", (HttpContext c, ApiUrls urls) => Results.Json(new Dictionary<string, object>
        {
            ["token_endpoint"] = urls.Token(c.Request),
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["scopes_supported"] = new[] { "system/*.rs", "system/*.read", "system/Patient.rs", "system/AuditEvent.rs" },
            ["capabilities"] = new[] { "client-confidential-asymmetric", "permission-v2", "permission-v1" },
        }));

        var fhir = endpoints.MapGroup(ApiUrls.FhirPath).AddEndpointFilter<FhirErrorFilter>();
        fhir.MapGet("/metadata", (HttpContext c, ApiUrls urls, TimeProvider time) =>
            FhirResults.Resource(CapabilityStatementBuilder.Build(urls.Fhir(c.Request), time.GetUtcNow())));

        var data = fhir.MapGroup("").AddEndpointFilter<ClientAuthenticationFilter>();
        data.MapMethods("/$export", ["GET", "POST"], (HttpContext c, ExportJobs jobs, ApiUrls urls, TimeProvider time) => ExportEndpoints.KickOffAsync(c, patientLevel: false, jobs, urls, time)).DisableAntiforgery();
        data.MapMethods("/Patient/$export", ["GET", "POST"], (HttpContext c, ExportJobs jobs, ApiUrls urls, TimeProvider time) => ExportEndpoints.KickOffAsync(c, patientLevel: true, jobs, urls, time)).DisableAntiforgery();
        data.MapGet($"/{ExportEndpoints.StatusPath}/{{id}}", (HttpContext c, string id, ExportJobs jobs) => ExportEndpoints.StatusAsync(c, id, jobs)).WithMetadata(FhirFormats.NotNegotiated);
        data.MapDelete($"/{ExportEndpoints.StatusPath}/{{id}}", (HttpContext c, string id, ExportJobs jobs) => ExportEndpoints.CancelAsync(c, id, jobs)).WithMetadata(FhirFormats.NotNegotiated);
        data.MapGet($"/{ExportEndpoints.FilePath}/{{id}}/{{name}}", (HttpContext c, string id, string name, ExportJobs jobs, PatientAccess access, IApiStateStore state, ILogger<ExportJobs> logger) =>
            ExportEndpoints.FileAsync(c, id, name, jobs, access, state, logger)).WithMetadata(FhirFormats.NotNegotiated);

        // POST as well: operations may be invoked with a Parameters body (fhir-kit-client and HAPI's client POST $everything).
        data.MapMethods("/Patient/{id}/$everything", ["GET", "POST"], EverythingAsync).DisableAntiforgery();
        // The accounting of disclosures: literal routes, so they win over the generic /{type} ones.
        data.MapGet($"/{AuditEventService.ResourceType}", AuditEventEndpoints.SearchAsync);
        data.MapPost($"/{AuditEventService.ResourceType}/_search", AuditEventEndpoints.SearchAsync).DisableAntiforgery();
        data.MapGet($"/{AuditEventService.ResourceType}/{{id}}", AuditEventEndpoints.ReadAsync);
        data.MapGet("/{type}/{id}/_history/{vid}", VReadAsync);
        data.MapGet("/{type}/{id}", ReadAsync);
        data.MapGet("/{type}", SearchQueryAsync);
        // POST _search keeps search values (an MRN) out of URLs, and so out of proxy and access logs.
        data.MapPost("/{type}/_search", async (HttpContext c, string type, SearchService search, PatientAccess access, IOptions<FhirApiOptions> options) =>
        {
            if (!c.Request.HasFormContentType)
            {
                throw FhirApiException.BadRequest("POST _search takes its parameters as application/x-www-form-urlencoded");
            }

            var form = await c.Request.ReadFormAsync(c.RequestAborted).ConfigureAwait(false);
            return await SearchAsync(c, type, search, access, options, new QueryCollection(form.ToDictionary(f => f.Key, f => f.Value))).ConfigureAwait(false);
        }).DisableAntiforgery();

        // Whatever no route above takes: 405 for our URLs with another method, 404 otherwise; an OperationOutcome either way.
        fhir.Map("/{**rest}", (HttpContext c) => FhirRoutes.Unmatched(c, IsServedType)).WithMetadata(FhirFormats.NotNegotiated).DisableAntiforgery();
        return endpoints;
    }

    private static bool IsServedType(string type) => SearchTypes.Readable.Contains(type) || type == AuditEventService.ResourceType;

    private static Task<IResult> SearchQueryAsync(HttpContext c, string type, SearchService search, PatientAccess access, IOptions<FhirApiOptions> options) =>
        SearchAsync(c, type, search, access, options, c.Request.Query);

    private static async Task<IResult> SearchAsync(HttpContext c, string type, SearchService search, PatientAccess access, IOptions<FhirApiOptions> options, IQueryCollection parameters)
    {
        if (!SearchTypes.IsSearchable(type))
        {
            throw FhirApiException.NotFound($"Searching {type} is not supported (GET metadata lists the types and their parameters)");
        }

        var grant = ClientAuthenticationFilter.Grant(c);
        if (!grant.Allows(type, SmartPermission.Search))
        {
            throw FhirApiException.Forbidden($"The access token has no search scope for {type} (e.g. system/{type}.rs)");
        }

        var request = SearchRequest.Parse(type, parameters, options.Value, SearchRequest.IsStrict(c.Request));
        var bundle = await search.SearchAsync(request, access.Begin(grant), c.Request, c.RequestAborted).ConfigureAwait(false);
        request.Subset?.Apply(bundle);
        return FhirResults.Resource(bundle);
    }

    private static async Task<IResult> ReadAsync(HttpContext c, string type, string id, SearchService search, PatientAccess access)
    {
        var resource = await ReadResourceAsync(c, type, id, search, access).ConfigureAwait(false);
        return Versioned(c, resource);
    }

    /// <summary>
    /// vread of the current version: the store keeps one version of each resource (its versionId is a prefix of its
    /// content hash, so it moves whenever the content changes); any other version answers 404.
    /// </summary>
    private static async Task<IResult> VReadAsync(HttpContext c, string type, string id, string vid, SearchService search, PatientAccess access)
    {
        if (!SearchTypes.Readable.Contains(type))
        {
            throw FhirApiException.NotFound($"Reading {type} is not supported");
        }

        var resource = await ReadResourceAsync(c, type, id, search, access, vid).ConfigureAwait(false);
        return Versioned(c, resource);
    }

    private static async Task<Resource> ReadResourceAsync(HttpContext c, string type, string id, SearchService search, PatientAccess access, string? version = null)
    {
        if (!SearchTypes.Readable.Contains(type))
        {
            throw FhirApiException.NotFound($"Reading {type} is not supported (GET metadata lists the types)");
        }

        var grant = ClientAuthenticationFilter.Grant(c);
        if (!grant.Allows(type, SmartPermission.Read))
        {
            throw FhirApiException.Forbidden($"The access token has no read scope for {type} (e.g. system/{type}.rs)");
        }

        return await search.ReadAsync(type, id, version, access.Begin(grant), c.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>http.html: "Servers SHOULD return an ETag header with the versionId of the resource ... and a Last-Modified header".</summary>
    private static IResult Versioned(HttpContext c, Resource resource)
    {
        if (resource.Meta?.VersionId is { } version)
        {
            c.Response.Headers.ETag = $"W/\"{version}\"";
        }

        if (resource.Meta?.LastUpdated is { } updated)
        {
            c.Response.Headers.LastModified = updated.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        }

        return FhirResults.Resource(resource);
    }

    private static async Task<IResult> EverythingAsync(HttpContext c, string id, SearchService search, PatientAccess access)
    {
        var grant = ClientAuthenticationFilter.Grant(c);
        if (!grant.Allows(SearchTypes.Patient, SmartPermission.Read))
        {
            throw FhirApiException.Forbidden("The access token has no read scope for Patient (e.g. system/Patient.rs)");
        }

        var parameters = await OperationParameters.ReadAsync(c.Request, c.RequestAborted).ConfigureAwait(false);
        var strict = SearchRequest.IsStrict(c.Request);
        IReadOnlySet<string>? types = null;
        DateTimeOffset? since = null;
        var ignored = new List<string>();
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "_type":
                    types = value.SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
                    break;
                case "_since":
                    since = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s)
                        ? s : throw FhirApiException.BadRequest("_since must be a FHIR instant, e.g. 2026-03-01T00:00:00Z");
                    break;
                case "_format":
                    break;
                default:
                    var message = $"Parameter '{name}' is not supported by $everything (supported: _type, _since)";
                    if (strict)
                    {
                        throw FhirApiException.BadRequest(message + " (Prefer: handling=strict)");
                    }

                    ignored.Add(message + ": ignored");
                    break;
            }
        }

        var bundle = await search.EverythingAsync(id, types, since, access.Begin(grant), c.Request, c.RequestAborted).ConfigureAwait(false);
        if (ignored.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = new OperationOutcome
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Issue = [.. ignored.Select(i => new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported, Diagnostics = i })],
                },
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return FhirResults.Resource(bundle);
    }
}
