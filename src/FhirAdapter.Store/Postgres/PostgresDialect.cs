using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using FhirAdapter.Store.Sql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

/// <summary>
/// PostgreSQL, shared by several workers: units of work run side by side (READ COMMITTED), so what SQLite gets from
/// its single writer is made explicit: rows are locked (<c>FOR UPDATE</c>, <c>FOR SHARE</c>), claims pass over rows
/// another unit holds (<c>SKIP LOCKED</c>), units that mark several patients dirty take a transaction advisory lock,
/// and a unit that loses a deadlock or serialization race is run again. Times are timestamptz (microseconds); the
/// schema keeps UTC ticks beside the two that need the exact .NET value.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    /// <summary>The advisory locks' first key ('FHIR', plus the <see cref="StoreLock"/>); the second is the hash of the schema, so schemas are independent.</summary>
    internal const int LockClass = 0x46484952;

    internal static readonly IReadOnlyList<MigrationScript> Scripts = SqlMigrator.Load(StoreOptions.PostgresProvider);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    public PostgresDialect(StoreOptions options, ILogger logger)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        builder.ApplicationName = string.IsNullOrEmpty(builder.ApplicationName) ? "fhiradapter" : builder.ApplicationName;
        // BusyTimeout means what it means on SQLite: how long a write waits for another writer's lock.
        builder.Options = $"{builder.Options} -c lock_timeout={(int)options.BusyTimeout.TotalMilliseconds}".Trim();
        ConnectionString = builder.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(builder);
        _logger = logger;
    }

    /// <summary>Npgsql parses lazily; checking here turns a typo into a start-up error that names the key.</summary>
    internal static string? CheckConnectionString(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // The message could quote the password; say only that it does not parse.
            return "is not a valid PostgreSQL (Npgsql) connection string";
        }

        return string.IsNullOrWhiteSpace(builder.Host)
            ? "must name the PostgreSQL server (Host=...;Database=...;Username=...), e.g. through the environment variable Adapter__Store__ConnectionString"
            : null;
    }

    /// <summary>The effective connection string (for a second store on the same database in tests; may hold a password: never log it).</summary>
    internal string ConnectionString { get; }

    public override string Provider => StoreOptions.PostgresProvider;

    public override IReadOnlyList<MigrationScript> Migrations => Scripts;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    /// <summary>REPEATABLE READ: the statements of a read see one snapshot.</summary>
    public override ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public override bool IsTransient(Exception exception, [NotNullWhen(true)] out string? code)
    {
        code = exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } e ? e.SqlState : null;
        return code is not null;
    }

    protected override long TimeResolution => TimeSpan.TicksPerMicrosecond;

    protected override object TimeValue(DateTimeOffset utc) => utc;

    protected override object ListValue<T>(T[] values) => values;

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override string True => "TRUE";

    public override string InList(string parameter) => $"SELECT unnest({parameter}) AS value";

    public override string JsonText(string column, string field) => $"({column}::jsonb ->> '{field}')";

    // timestamptz keeps microseconds, so where the exact value matters the schema keeps the UTC ticks too (0001).
    public override string ExactColumn(string stem) => $"{stem}_ticks";

    public override string ExactColumns(string stem) => $"{stem}_utc, {stem}_ticks";

    public override string ExactValues(string parameter) => $"{parameter}, {parameter}_ticks";

    public override DateTimeOffset ReadExact(DbDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public override string ForUpdate => " FOR UPDATE";

    public override string ForShare => " FOR SHARE";

    public override string ForUpdateSkipLocked(string alias) => $" FOR UPDATE OF {alias} SKIP LOCKED";

    public override Task LockAsync(SqlSession session, StoreLock which, CancellationToken cancellationToken) =>
        session.ExecAsync("SELECT pg_advisory_xact_lock(@l, hashtext(current_schema()))", cancellationToken, ("@l", LockClass + (int)which));

    public override string SchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)";

    /// <summary>Instances starting at once queue on a session advisory lock, one per schema.</summary>
    public override async Task EnterMigrationAsync(SqlSession session, CancellationToken cancellationToken)
    {
        if (await session.ScalarAsync("SELECT current_schema()", cancellationToken).ConfigureAwait(false) is not string)
        {
            // The search path names no existing schema; CREATE TABLE would fail with a less helpful message.
            throw new InvalidOperationException(
                $"{StoreOptions.SectionName}:ConnectionString: the search path names no existing schema; create it, or use the default (public)");
        }

        // The wait for another instance's migration must not be cut short by the connection's lock_timeout.
        await session.ExecAsync("SET lock_timeout = 0", cancellationToken).ConfigureAwait(false);
        if (!(bool)(await session.ScalarAsync("SELECT pg_try_advisory_lock(@c, hashtext(current_schema()))", cancellationToken, ("@c", LockClass)).ConfigureAwait(false))!)
        {
            Log.WaitingForMigration(_logger);
            await session.ExecAsync("SELECT pg_advisory_lock(@c, hashtext(current_schema()))", cancellationToken, ("@c", LockClass)).ConfigureAwait(false);
        }
    }

    /// <summary>The pool keeps the connection open, so the session lock would outlive the migration without an explicit unlock.</summary>
    public override Task ExitMigrationAsync(SqlSession session) =>
        session.ExecAsync("SELECT pg_advisory_unlock(@c, hashtext(current_schema())); RESET lock_timeout", CancellationToken.None, ("@c", LockClass));

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public override void Dispose() => _dataSource.Dispose();
}
