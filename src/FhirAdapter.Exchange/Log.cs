using Microsoft.Extensions.Logging;

namespace FhirAdapter.Exchange;

/// <summary>
/// Every log line of the project. Only destination names, patient keys, counts, resource types, server ids and
/// status codes go in: never MRNs, names, identifier values of patients or a server's free-text diagnostics.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Sending {EntryCount} entries for {PatientKey} to {Destination} in {ChunkCount} transaction(s)")]
    public static partial void SendingBundle(ILogger logger, string destination, string patientKey, int entryCount, int chunkCount);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
        Message = "{Destination} answered a transaction of {EntryCount} entries for {PatientKey}: HTTP {Status}")]
    public static partial void TransactionAnswered(ILogger logger, string destination, string patientKey, int entryCount, int status);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "{Destination} rejected a transaction of {EntryCount} entries for {PatientKey}: HTTP {Status}, issue codes {IssueCodes}")]
    public static partial void TransactionRejected(ILogger logger, string destination, string patientKey, int entryCount, int status, string issueCodes);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning,
        Message = "A transaction of {EntryCount} entries for {PatientKey} to {Destination} is left for a later retry: {Reason}")]
    public static partial void TransactionRetryLater(ILogger logger, string destination, string patientKey, int entryCount, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information,
        Message = "{Destination} answered HTTP {Status} for {PatientKey}: reading current versions and applying once more")]
    public static partial void Reapplying(ILogger logger, string destination, string patientKey, int status);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning,
        Message = "{Destination} rejected entry {ResourceType} (entry {Index}) for {PatientKey}: HTTP {Status}")]
    public static partial void EntryRejected(ILogger logger, string destination, string patientKey, string resourceType, int index, int status);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning,
        Message = "{Destination} refused a transaction of {EntryCount} entries for {PatientKey} (HTTP {Status}, issue codes {IssueCodes}): sending it in halves to find the entries at fault")]
    public static partial void Bisecting(ILogger logger, string destination, string patientKey, int entryCount, int status, string issueCodes);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning,
        Message = "{EntryCount} entries for {PatientKey} still conflict at {Destination} (HTTP {Status}) after every re-read: left pending for the next sync")]
    public static partial void ConflictPending(ILogger logger, string destination, string patientKey, int entryCount, int status);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information,
        Message = "Retrying a request to {Destination} (attempt {Attempt}) in {Delay} after {Outcome}")]
    public static partial void RetryScheduled(ILogger logger, string destination, int attempt, TimeSpan delay, string outcome);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning,
        Message = "Circuit to {Destination} opened for {BreakDuration} after {Outcome}")]
    public static partial void CircuitOpened(ILogger logger, string destination, TimeSpan breakDuration, string outcome);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Circuit to {Destination} closed again")]
    public static partial void CircuitClosed(ILogger logger, string destination);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information,
        Message = "Obtained an access token for {Destination}, valid for {Lifetime}")]
    public static partial void TokenObtained(ILogger logger, string destination, TimeSpan lifetime);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information,
        Message = "{Destination} answered 401: fetching a new access token and trying once more")]
    public static partial void TokenRejected(ILogger logger, string destination);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Information,
        Message = "Token endpoint of {Destination} discovered through .well-known/smart-configuration")]
    public static partial void TokenEndpointDiscovered(ILogger logger, string destination);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Error,
        Message = "Token request to {Destination} failed: HTTP {Status}")]
    public static partial void TokenRequestFailed(ILogger logger, string destination, int status);
}
