using Microsoft.Extensions.Logging;

namespace FhirAdapter.Operations;

/// <summary>The console's log lines: operator names and record ids, never patient data (no MRN, no name).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Console: {Operator} signed in ({Role})")]
    public static partial void SignedIn(ILogger logger, string @operator, string role);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "Console: a sign-in failed")]
    public static partial void SignInFailed(ILogger logger);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Console: a sign-in was refused: the operator is locked out")]
    public static partial void SignInLockedOut(ILogger logger);

    [LoggerMessage(EventId = 1704, Level = LogLevel.Information, Message = "Console: {Operator} started a sync")]
    public static partial void SyncRequested(ILogger logger, string @operator);

    [LoggerMessage(EventId = 1705, Level = LogLevel.Information, Message = "Console: {Operator} retried quarantined records {Ids}")]
    public static partial void Retried(ILogger logger, string @operator, string ids);

    [LoggerMessage(EventId = 1706, Level = LogLevel.Information, Message = "Console: {Operator} viewed patient {PatientKey}: {What}")]
    public static partial void PatientViewed(ILogger logger, string @operator, string patientKey, string what);
}
