using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

internal static class OutcomeAssert
{
    public static string Describe(OperationOutcome outcome) =>
        string.Join(Environment.NewLine, outcome.Issue.Select(i =>
            $"{i.Severity} {i.Code} @ {string.Join(",", i.Expression)}: {i.Details?.Text}"));

    public static void Valid(OperationOutcome outcome) =>
        Assert.False(outcome.HasErrors(), "Expected no errors, got:" + Environment.NewLine + Describe(outcome));

    /// <summary>Asserts an error whose message contains every fragment (e.g. the invariant key and the element).</summary>
    public static OperationOutcome.IssueComponent HasError(OperationOutcome outcome, params string[] fragments)
    {
        var match = outcome.Errors().FirstOrDefault(i =>
            fragments.All(f => (i.Details?.Text ?? string.Empty).Contains(f, StringComparison.Ordinal)
                || i.Expression.Any(e => e?.Contains(f, StringComparison.Ordinal) == true)));
        Assert.True(match is not null,
            $"Expected an error mentioning [{string.Join(", ", fragments)}], got:" + Environment.NewLine + Describe(outcome));
        return match!;
    }
}
