using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Sync;

/// <summary>The validator as the pipeline uses it: a resource is valid when its outcome has no error or fatal issue.</summary>
internal sealed class ResourceValidator(FhirResourceValidator validator)
{
    public ResourceValidation Validate(Resource resource)
    {
        var outcome = validator.Validate(resource);
        return outcome.Issue.Any(IsError) ? ResourceValidation.Invalid(FhirJson.Serialize(outcome, pretty: false)) : ResourceValidation.Valid;
    }

    public static bool IsError(OperationOutcome.IssueComponent issue) =>
        issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;
}
