using System.Text.Json;
using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Api.Http;

/// <summary>Writes FHIR resources with the Firely serializer as <c>application/fhir+json</c>.</summary>
internal static class FhirResults
{
    public const string ContentType = "application/fhir+json; charset=utf-8";
    public const string NdjsonContentType = "application/fhir+ndjson";

    public static IResult Resource(Resource resource, int status = 200) => new FhirResult(resource, status);

    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string diagnostics, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = diagnostics }],
    };

    public static async System.Threading.Tasks.Task WriteAsync(HttpContext context, Resource resource, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, resource, resource.GetType(), FhirJson.Compact, context.RequestAborted);
    }

    private sealed class FhirResult(Resource resource, int status) : IResult
    {
        public System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, resource, status);
    }
}
