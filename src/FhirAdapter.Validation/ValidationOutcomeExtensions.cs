using Hl7.Fhir.Model;

namespace FhirAdapter.Validation;

/// <summary>Reading the outcomes <see cref="FhirResourceValidator"/> returns.</summary>
public static class ValidationOutcomeExtensions
{
    /// <summary>Whether the outcome has an error or fatal issue, i.e. the resource must not be sent or served.</summary>
    public static bool HasErrors(this OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
    }

    /// <summary>The error and fatal issues of the outcome.</summary>
    public static IEnumerable<OperationOutcome.IssueComponent> Errors(this OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
    }
}
