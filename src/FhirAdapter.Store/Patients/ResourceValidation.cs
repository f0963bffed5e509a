namespace FhirAdapter.Store.Patients;

/// <summary>A mapped resource's validation state: valid, or invalid with the validator's OperationOutcome.</summary>
public sealed record ResourceValidation(bool IsValid, string? OperationOutcomeJson)
{
    public static readonly ResourceValidation Valid = new(true, null);

    /// <summary>
    /// The fingerprint of the validator that gave this outcome (null when unknown): while the same validator maps an
    /// unchanged resource again, this outcome stands, and it is not validated again.
    /// </summary>
    public string? ValidatedWith { get; init; }

    public static ResourceValidation Invalid(string operationOutcomeJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationOutcomeJson);
        return new ResourceValidation(false, operationOutcomeJson);
    }
}
