using Microsoft.Extensions.Logging;

namespace FhirAdapter.Api;

/// <summary>
/// Every log line of the API. Client ids, organization ids, patient keys, resource types and counts only: never a
/// token, an assertion, an MRN, a search value (an identifier search holds an MRN) or resource content.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Issued an access token to client {ClientId} for {Scopes}, valid {Lifetime}")]
    public static partial void TokenIssued(ILogger logger, string clientId, string scopes, TimeSpan lifetime);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Refused a client assertion of client {ClientId}: {Reason}")]
    public static partial void AssertionRejected(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Could not fetch the JWKS of client {ClientId}: HTTP {Status}")]
    public static partial void JwksFetchFailed(ILogger logger, string clientId, int status);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "The JWKS of client {ClientId} is unusable: {Problem}")]
    public static partial void JwksUnusable(ILogger logger, string clientId, string problem);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Could not fetch the JWKS of client {ClientId} ({Error})")]
    public static partial void JwksFetchError(ILogger logger, string clientId, string error);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Client {ClientId} is over its rate limit")]
    public static partial void RateLimited(ILogger logger, string clientId);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "Disclosed {Count} resources of patient {PatientKey} to organization {OrganizationId} (client {ClientId}, {Interaction})")]
    public static partial void Disclosed(ILogger logger, int count, string patientKey, string organizationId, string clientId, string interaction);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Debug, Message = "Patient {PatientKey} withheld from organization {OrganizationId}: {Reason}")]
    public static partial void Withheld(ILogger logger, string patientKey, string organizationId, string reason);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Error, Message = "Request {Method} {Route} failed ({Error})")]
    public static partial void RequestFailed(ILogger logger, string method, string route, string error);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Export {JobId} of client {ClientId} queued")]
    public static partial void ExportQueued(ILogger logger, string jobId, string clientId);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Export {JobId} finished: {Files} files, {Resources} resources of {Patients} patients")]
    public static partial void ExportCompleted(ILogger logger, string jobId, int files, long resources, int patients);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Error, Message = "Export {JobId} failed ({Error})")]
    public static partial void ExportFailed(ILogger logger, string jobId, string error);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Information, Message = "Export {JobId} cancelled by its client")]
    public static partial void ExportCancelled(ILogger logger, string jobId);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Information, Message = "Deleted the files of expired export {JobId}")]
    public static partial void ExportExpired(ILogger logger, string jobId);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Information, Message = "Served {Count} AuditEvents of the accounting of disclosures to organization {OrganizationId} (client {ClientId})")]
    public static partial void AccountingServed(ILogger logger, int count, string organizationId, string clientId);

    [LoggerMessage(EventId = 7016, Level = LogLevel.Information, Message = "Export {JobId} given back to the queue: this instance stops")]
    public static partial void ExportReleased(ILogger logger, string jobId);

    [LoggerMessage(EventId = 7017, Level = LogLevel.Warning, Message = "Could not look for export jobs in the store ({Error}); trying again shortly")]
    public static partial void ExportClaimFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 7018, Level = LogLevel.Warning, Message = "The sweep of expired exports and tokens failed ({Error}); trying again in a minute")]
    public static partial void ExportSweepFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 7019, Level = LogLevel.Information, Message = "Export {JobId}: files withdrawn, {Patients} of its patients are no longer disclosed under the consents they were exported under; the client is told to export again")]
    public static partial void ExportWithdrawn(ILogger logger, string jobId, int patients);
}
