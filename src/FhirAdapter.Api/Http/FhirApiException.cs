using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Http;

/// <summary>An answer other than success, carried up to the error filter, which writes it as an OperationOutcome.</summary>
internal sealed class FhirApiException : Exception
{
    public FhirApiException(int status, OperationOutcome.IssueType code, string diagnostics)
        : base(diagnostics)
    {
        Status = status;
        Code = code;
    }

    public FhirApiException()
    {
    }

    public FhirApiException(string message)
        : base(message)
    {
    }

    public FhirApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Status { get; } = 500;

    public OperationOutcome.IssueType Code { get; } = OperationOutcome.IssueType.Exception;

    /// <summary>Extra headers, e.g. Retry-After or WWW-Authenticate.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public static FhirApiException BadRequest(string diagnostics) => new(400, OperationOutcome.IssueType.Invalid, diagnostics);

    public static FhirApiException NotFound(string diagnostics) => new(404, OperationOutcome.IssueType.NotFound, diagnostics);

    public static FhirApiException Forbidden(string diagnostics) => new(403, OperationOutcome.IssueType.Forbidden, diagnostics);

    public static FhirApiException Unauthorized(string diagnostics)
    {
        var e = new FhirApiException(401, OperationOutcome.IssueType.Login, diagnostics);
        e.Headers["WWW-Authenticate"] = "Bearer";
        return e;
    }
}
