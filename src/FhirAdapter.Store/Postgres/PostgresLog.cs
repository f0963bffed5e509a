using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store.Postgres;

/// <summary>Log lines particular to PostgreSQL: error codes, versions and counts, never record content or MRNs.</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Waiting for another instance to finish migrating the store schema")]
    public static partial void WaitingForMigration(ILogger logger);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "A store transaction failed with {SqlState} (attempt {Attempt}); running it again")]
    public static partial void Retrying(ILogger logger, string sqlState, int attempt);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "The store schema is at version {Version}, newer than this build knows ({Known}); an older worker runs beside a newer one")]
    public static partial void NewerSchema(ILogger logger, int version, int known);
}
