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

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "The lease on {PatientKey} is no longer held by {Owner}; its unit of work was rolled back")]
    public static partial void LeaseLost(ILogger logger, string patientKey, string owner);
}
