using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Sync;

/// <summary>The validator as the pipeline uses it: a resource is valid when its outcome has no error or fatal issue.</summary>
internal sealed class ResourceValidator(FhirResourceValidator validator)
{
    /// <summary>Validates a patient's resources on all cores (a Bundle of ~100 resources is worth spreading).</summary>
    public IReadOnlyList<ResourceValidation> ValidateAll(IReadOnlyList<Resource> resources) =>
        [.. validator.ValidateAll(resources).Select(ToValidation)];

    private static ResourceValidation ToValidation(OperationOutcome outcome) =>
        outcome.Issue.Any(IsError) ? ResourceValidation.Invalid(FhirJson.Serialize(outcome, pretty: false)) : ResourceValidation.Valid;

    public static bool IsError(OperationOutcome.IssueComponent issue) =>
        issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;
}
