namespace FhirAdapter.Exchange.Auth;

/// <summary>The token endpoint refused the client (a configuration problem, not a transient one): not retried.</summary>
public sealed class AuthenticationFailedException : Exception
{
    public AuthenticationFailedException()
    {
    }

    public AuthenticationFailedException(string message)
        : base(message)
    {
    }

    public AuthenticationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
