using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Sending;

/// <summary>Reads a server's OperationOutcome: the full text for the caller's report, only codes for logs.</summary>
internal static class OperationOutcomes
{
    public static string Reason(Resource? resource, int status)
    {
        var text = resource is OperationOutcome oo
            ? string.Join("; ", oo.Issue.Select(i => i.Diagnostics ?? i.Details?.Text ?? i.Code?.ToString()).Where(s => !string.IsNullOrWhiteSpace(s)))
            : "";
        return text.Length > 0 ? $"HTTP {status}: {text}" : $"HTTP {status}";
    }

    public static string IssueCodes(Resource? resource) => resource is OperationOutcome oo && oo.Issue.Count > 0
        ? string.Join(",", oo.Issue.Select(i => i.Code?.ToString() ?? "?"))
        : "none";
}
