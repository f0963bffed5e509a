using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace FhirAdapter.Api.Http;

/// <summary>
/// What answers a request under <c>/fhir</c> that no endpoint takes: 405 (with <c>Allow</c>) when the URL is one of
/// ours with another method, 404 otherwise, each with an OperationOutcome that says what to use instead (FHIR R4
/// http.html: "404 Not Found - resource type not supported, or not a FHIR end-point"; "405 Method Not Allowed").
/// </summary>
internal static class FhirRoutes
{
    /// <summary>The interactions under <c>/fhir</c> and their methods: kept beside the mapping in <c>MapFhirApi</c>.</summary>
    public static readonly (string Template, string[] Methods)[] Interactions =
    [
        ("metadata", ["GET"]),
        (".well-known/smart-configuration", ["GET"]),
        ("$export", ["GET", "POST"]),
        ("Patient/$export", ["GET", "POST"]),
        ("$export-status/{id}", ["GET", "DELETE"]),
        ("$export-file/{id}/{name}", ["GET"]),
        ("Patient/{id}/$everything", ["GET", "POST"]),
        ("{type}/_search", ["POST"]),
        ("{type}/{id}/_history/{vid}", ["GET"]),
        ("{type}/{id}", ["GET"]),
        ("{type}", ["GET"]),
    ];

    private static readonly (TemplateMatcher Matcher, string[] Methods)[] Matchers =
        [.. Interactions.Select(i => (new TemplateMatcher(TemplateParser.Parse(i.Template), new RouteValueDictionary()), i.Methods))];

    public static IResult Unmatched(HttpContext context, Func<string, bool> isType)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value ?? "";
        var fhir = ApiUrls.FhirPath;
        var relative = path.StartsWith(fhir, StringComparison.OrdinalIgnoreCase) ? path[fhir.Length..] : path;
        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (matcher, methods) in Matchers)
        {
            var values = new RouteValueDictionary();
            if (matcher.TryMatch(relative, values) && (values["type"] is not string type || isType(type)))
            {
                context.Response.Headers.Allow = string.Join(", ", methods);
                throw new FhirApiException(405, OperationOutcome.IssueType.NotSupported,
                    $"{context.Request.Method} is not supported here (allowed: {string.Join(", ", methods)}); this API is read-only");
            }
        }

        throw FhirApiException.NotFound(Hint(segments, isType));
    }

    private static string Hint(string[] segments, Func<string, bool> isType)
    {
        if (segments.Contains("_history"))
        {
            return "History is not supported: only the current version of a resource is kept (vread it as {type}/{id}/_history/{meta.versionId})";
        }

        if (segments is ["Group", _, "$export"])
        {
            return "Group-level export is not supported: use Patient/$export or $export";
        }

        if (segments is ["Patient", var id, var type] && isType(type))
        {
            return $"Compartment search is not supported: use {type}?patient={id}";
        }

        if (segments.Length > 0 && !segments[0].StartsWith('$') && !isType(segments[0]))
        {
            return $"Resource type '{segments[0]}' is not supported by this server (GET metadata lists the types)";
        }

        return "No FHIR interaction at this URL (GET metadata lists what this server supports)";
    }
}
