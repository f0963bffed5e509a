using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store;

/// <summary>Every log line of the store: schema versions, file paths of the database, counts. Never record content or MRNs.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Opened the {Provider} state store at schema version {Version}")]
    public static partial void Opened(ILogger logger, string provider, int version);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Applied store migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Created the data directory {Directory}")]
    public static partial void DirectoryCreated(ILogger logger, string directory);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Waiting for another instance to finish migrating the store schema")]
    public static partial void WaitingForMigration(ILogger logger);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "A store transaction failed with {Code} (attempt {Attempt}); running it again")]
    public static partial void Retrying(ILogger logger, string code, int attempt);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "The store schema is at version {Version}, newer than this build knows ({Known}); an older worker runs beside a newer one")]
    public static partial void NewerSchema(ILogger logger, int version, int known);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "The lease on {PatientKey} is no longer held by {Owner}; its unit of work was rolled back")]
    public static partial void LeaseLost(ILogger logger, string patientKey, string owner);
}
