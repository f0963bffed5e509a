using System.Text.Json;
using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Api.Http;

/// <summary>
/// Writes FHIR resources with the Firely serializers, as <c>application/fhir+json</c> or <c>application/fhir+xml</c>
/// (<see cref="FhirFormats"/>).
/// </summary>
internal static class FhirResults
{
    public const string ContentType = "application/fhir+json; charset=utf-8";
    public const string XmlContentType = "application/fhir+xml; charset=utf-8";
    public const string NdjsonContentType = "application/fhir+ndjson";

    private static readonly BaseFhirXmlSerializer XmlSerializer = new(ModelInfo.ModelInspector);

    public static IResult Resource(Resource resource, int status = 200) => new FhirResult(resource, status);

    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string diagnostics, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = diagnostics }],
    };

    public static async System.Threading.Tasks.Task WriteAsync(HttpContext context, Resource resource, int status)
    {
        context.Response.StatusCode = status;
        if (FhirFormats.Chosen(context) == FhirFormat.Xml)
        {
            context.Response.ContentType = XmlContentType;
            var bytes = XmlSerializer.SerializeToBytes(resource, pretty: false);
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, resource, resource.GetType(), FhirJson.Compact, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed class FhirResult(Resource resource, int status) : IResult
    {
        public System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, resource, status);
    }
}
