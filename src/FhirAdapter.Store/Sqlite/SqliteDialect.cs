using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using FhirAdapter.Store.Sql;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store.Sqlite;

/// <summary>
/// SQLite: one file in WAL mode, a short-lived pooled connection per call, and one writer at a time. Every unit of
/// work is a <c>BEGIN IMMEDIATE</c> transaction (the write lock is taken up front, so concurrent writers queue for
/// up to <see cref="StoreOptions.BusyTimeout"/> instead of failing on a lock upgrade), so there are no rows to lock and
/// a claim has nothing to skip. Times are fixed-width UTC text: they sort as they read and keep every tick.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const string UtcFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>SQLITE_BUSY_RECOVERY and SQLITE_BUSY_SNAPSHOT: lost races the busy timeout does not wait out.</summary>
    private static readonly int[] RacedCodes = [261, 517];

    internal static readonly IReadOnlyList<MigrationScript> Scripts = MigrationScript.Load(StoreOptions.SqliteProvider);

    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly ILogger _logger;

    public SqliteDialect(StoreOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            ForeignKeys = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        // NORMAL is durable against a killed process in WAL mode (only a power cut can lose the last commits, and those
        // are redone: delivery is idempotent). busy_timeout covers lock waits outside commands too.
        _pragmas = $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds};";
        _logger = logger;
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
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    /// <remarks>A plain SQLITE_BUSY is not retried: it comes after waiting the whole busy timeout, which is as long as a write is meant to wait.</remarks>
    public override bool IsTransient(Exception exception, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? code)
    {
        code = exception is SqliteException e && RacedCodes.Contains(e.SqliteExtendedErrorCode) ? $"SQLite error {e.SqliteExtendedErrorCode}" : null;
        return code is not null;
    }

    protected override long TimeResolution => 1;

    protected override object TimeValue(DateTimeOffset utc) => utc.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.ParseExact(reader.GetString(ordinal), UtcFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    protected override object ListValue(string[] values) => JsonSerializer.Serialize(values);

    protected override object ListValue(long[] values) => JsonSerializer.Serialize(values);

    public override string True => "1";

    public override string InList(string parameter) => $"SELECT value FROM json_each({parameter})";

    public override string JsonText(string column, string field) => $"json_extract({column}, '$.{field}')";

    // The UTC text is exact: one column serves people, ordering and identity.
    public override string ExactColumn(string stem) => $"{stem}_utc";

    public override string ExactColumns(string stem) => $"{stem}_utc";

    public override string ExactValues(string parameter) => parameter;

    public override DateTimeOffset ReadExact(DbDataReader reader, int ordinal) => ReadTime(reader, ordinal);

    public override string SchemaVersionTable => """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        );
        """;

    public override ValueTask<DbConnection> OpenForMigrationAsync(CancellationToken cancellationToken)
    {
        CreateDataDirectory();
        return OpenAsync(cancellationToken);
    }

    /// <summary>WAL lets readers (status, the API) run beside the writer; the mode is stored in the file, so once suffices. Each script's BEGIN IMMEDIATE does the rest.</summary>
    public override Task EnterMigrationAsync(SqlSession session, CancellationToken cancellationToken) =>
        session.ExecAsync("PRAGMA journal_mode = WAL;", cancellationToken);

    private void CreateDataDirectory()
    {
        if (DataSource.Length == 0 || DataSource == ":memory:" || DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(DataSource));
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            Log.DirectoryCreated(_logger, directory);
        }
    }
}
