using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirAdapter.Exchange.Sending;

/// <summary>Reads a server's OperationOutcome: the full text for the caller's report, only codes for logs.</summary>
internal static class OperationOutcomes
{
    public static string Reason(Resource? resource, int status)
    {
        var text = resource is OperationOutcome oo
            ? string.Join("; ", oo.Issue.Select(Describe).Where(s => !string.IsNullOrWhiteSpace(s)))
            : "";
        return text.Length > 0 ? $"HTTP {status}: {text}" : $"HTTP {status}";
    }

    public static string IssueCodes(Resource? resource) => resource is OperationOutcome oo && oo.Issue.Count > 0
        ? string.Join(",", oo.Issue.Select(i => Literal(i) ?? "?"))
        : "none";

    /// <summary>The issue's text, with the element it concerns when the server names one.</summary>
    private static string? Describe(OperationOutcome.IssueComponent issue)
    {
        var text = issue.Diagnostics ?? issue.Details?.Text ?? Literal(issue);
        var where = issue.Expression.Concat(issue.Location).ToList();
        return where.Count == 0 || text is null ? text : $"{text} ({string.Join(", ", where)})";
    }

    private static string? Literal(OperationOutcome.IssueComponent issue) => issue.Code is { } code ? EnumUtility.GetLiteral(code) : null;
}
