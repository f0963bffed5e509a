using FhirAdapter.Core.Reading;

namespace FhirAdapter.Core.Mapping;

/// <summary>A record that reads fine but cannot be mapped (an answer that does not fit its form, say).</summary>
public sealed class MappingException : Exception
{
    public MappingException(IReadOnlyList<FieldError> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
    {
        Errors = errors;
    }

    public MappingException()
        : this([])
    {
    }

    public MappingException(string message)
        : this([new FieldError("", message)])
    {
    }

    public MappingException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new FieldError("", message)];
    }

    public IReadOnlyList<FieldError> Errors { get; }
}
