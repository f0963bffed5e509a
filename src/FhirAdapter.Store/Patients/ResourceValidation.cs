namespace FhirAdapter.Store.Patients;

/// <summary>A mapped resource's validation state: valid, or invalid with the validator's OperationOutcome.</summary>
public sealed record ResourceValidation(bool IsValid, string? OperationOutcomeJson)
{
    public static readonly ResourceValidation Valid = new(true, null);

    public static ResourceValidation Invalid(string operationOutcomeJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationOutcomeJson);
        return new ResourceValidation(false, operationOutcomeJson);
    }
}
