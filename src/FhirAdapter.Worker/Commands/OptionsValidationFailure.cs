namespace FhirAdapter.Worker.Commands;

/// <summary>A configuration value that is not valid; its message names the key.</summary>
internal sealed class OptionsValidationFailure : Exception
{
    public OptionsValidationFailure()
    {
    }

    public OptionsValidationFailure(string message)
        : base(message)
    {
    }

    public OptionsValidationFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
