using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using FhirAdapter.Store.Sql;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store.Sqlite;

/// <summary>
/// SQLite: one file in WAL mode, a short-lived pooled connection per call, and one writer at a time. Every unit of
/// work is a <c>BEGIN IMMEDIATE</c> transaction (the write lock is taken up front, so concurrent writers queue for up
/// to <see cref="StoreOptions.BusyTimeout"/> instead of failing on a lock upgrade): no rows to lock, nothing for a
/// claim to skip. Times are fixed-width UTC text: they sort as they read and keep every tick.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    internal static readonly IReadOnlyList<MigrationScript> Scripts = SqlMigrator.Load(StoreOptions.SqliteProvider);

    private const string UtcFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly ILogger _logger;

    public SqliteDialect(StoreOptions options, ILogger logger)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { ForeignKeys = true, DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds) };
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        // NORMAL is durable against a killed process in WAL mode (only a power cut can lose the last commits, and those
        // are redone: delivery is idempotent). busy_timeout covers lock waits outside commands too.
        _pragmas = $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds};";
        _logger = logger;
    }

    /// <summary>Each call opens its own connection, so an in-memory database would be gone after every call.</summary>
    internal static string? CheckConnectionString(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The message could quote a password-like value; say only that it does not parse.
            return "is not a valid SQLite connection string";
        }

        return string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory
            ? "must name a database file (Data Source=path/to/file.db)"
            : null;
    }

    /// <summary>The database file.</summary>
    public string DataSource { get; }

    public override string Provider => StoreOptions.SqliteProvider;

    public override IReadOnlyList<MigrationScript> Migrations => Scripts;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new SqliteCommand(_pragmas, connection);
            await using var _ = command.ConfigureAwait(false);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    /// <summary>
    /// SQLITE_BUSY_RECOVERY and SQLITE_BUSY_SNAPSHOT: races the busy timeout does not wait out. A plain SQLITE_BUSY
    /// comes after waiting the whole busy timeout, which is as long as a write is meant to wait: it is not retried.
    /// </summary>
    public override bool IsTransient(Exception exception, [NotNullWhen(true)] out string? code)
    {
        code = exception is SqliteException { SqliteExtendedErrorCode: 261 or 517 } e ? $"SQLITE_BUSY ({e.SqliteExtendedErrorCode})" : null;
        return code is not null;
    }

    protected override long TimeResolution => 1;

    protected override object TimeValue(DateTimeOffset utc) => utc.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture);

    protected override object ListValue<T>(T[] values) => JsonSerializer.Serialize(values);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.ParseExact(reader.GetString(ordinal), UtcFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    public override string True => "1";

    public override string InList(string parameter) => $"SELECT value FROM json_each({parameter})";

    public override string JsonText(string column, string field) => $"json_extract({column}, '$.{field}')";

    // The UTC text is exact: one column serves people, ordering and identity.
    public override string ExactColumn(string stem) => $"{stem}_utc";

    public override string ExactColumns(string stem) => $"{stem}_utc";

    public override string ExactValues(string parameter) => parameter;

    public override DateTimeOffset ReadExact(DbDataReader reader, int ordinal) => ReadTime(reader, ordinal);

    public override string SchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);";

    /// <summary>Creates the database file's folder first.</summary>
    public override ValueTask<DbConnection> OpenForMigrationAsync(CancellationToken cancellationToken)
    {
        var file = DataSource.Length > 0 && DataSource != ":memory:" && !DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        if (file && Path.GetDirectoryName(Path.GetFullPath(DataSource)) is { Length: > 0 } directory && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            Log.DirectoryCreated(_logger, directory);
        }

        return OpenAsync(cancellationToken);
    }

    /// <summary>WAL lets readers (status, the API) run beside the writer; the mode is stored in the file. Each script's BEGIN IMMEDIATE does the rest.</summary>
    public override Task EnterMigrationAsync(SqlSession session, CancellationToken cancellationToken) => session.ExecAsync("PRAGMA journal_mode = WAL;", cancellationToken);
}
