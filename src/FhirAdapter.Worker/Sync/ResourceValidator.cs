using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Sync;

/// <summary>The validator as the pipeline uses it: a resource is valid when its outcome has no error or fatal issue.</summary>
internal sealed class ResourceValidator(FhirResourceValidator validator)
{
    /// <summary>Names the validator that gave an outcome (see <see cref="FhirResourceValidator.Fingerprint"/>).</summary>
    public string Fingerprint => validator.Fingerprint;

    /// <summary>
    /// The outcome of each resource: <paramref name="standing"/>[i] where it is given (an earlier outcome that still
    /// holds), the validator's for the others, validated together on all cores (a patient's ~100 resources are worth
    /// spreading).
    /// </summary>
    public IReadOnlyList<ResourceValidation> ValidateAll(IReadOnlyList<Resource> resources, IReadOnlyList<ResourceValidation?> standing)
    {
        var todo = Enumerable.Range(0, resources.Count).Where(i => standing[i] is null).ToList();
        var outcomes = validator.ValidateAll([.. todo.Select(i => resources[i])]);
        var validations = standing.ToArray();
        for (var j = 0; j < todo.Count; j++)
            validations[todo[j]] = ToValidation(outcomes[j]);
        return validations!;
    }

    private ResourceValidation ToValidation(OperationOutcome outcome) =>
        (outcome.Issue.Any(IsError) ? ResourceValidation.Invalid(FhirJson.Serialize(outcome, pretty: false)) : ResourceValidation.Valid)
        with { ValidatedWith = validator.Fingerprint };

    public static bool IsError(OperationOutcome.IssueComponent issue) =>
        issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;
}
