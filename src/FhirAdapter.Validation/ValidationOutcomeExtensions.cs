using Hl7.Fhir.Model;

namespace FhirAdapter.Validation;

/// <summary>Reading the outcomes <see cref="FhirResourceValidator"/> returns: the one place that says what an error is.</summary>
public static class ValidationOutcomeExtensions
{
    /// <summary>Whether the outcome has an error or fatal issue, i.e. the resource must not be sent or served.</summary>
    public static bool HasErrors(this OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Issue.Any(IsError);
    }

    /// <summary>The error and fatal issues of the outcome.</summary>
    public static IEnumerable<OperationOutcome.IssueComponent> Errors(this OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Issue.Where(IsError);
    }

    /// <summary>Whether the issue is an error or fatal one.</summary>
    public static bool IsError(this OperationOutcome.IssueComponent issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return issue.Severity is { } severity && severity.IsError();
    }

    /// <summary>Whether the severity is error or fatal.</summary>
    public static bool IsError(this OperationOutcome.IssueSeverity severity) =>
        severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;
}
