using Microsoft.Extensions.Configuration;

namespace FhirAdapter.Operations;

/// <summary>Settings of the worker the console shows (bound and validated by the worker; read here by key).</summary>
internal static class ConsoleSettings
{
    /// <summary><c>Adapter:HeldWarningAfter</c>: a record held longer is flagged.</summary>
    public static TimeSpan HeldWarningAfter(IConfiguration configuration) => configuration.GetValue("Adapter:HeldWarningAfter", TimeSpan.FromDays(3));
}
