using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store.Sqlite;

/// <summary>
/// The SQLite state store: one file in WAL mode, a short-lived pooled connection per call, and one
/// <c>BEGIN IMMEDIATE</c> transaction per unit of work (the write lock is taken up front, so concurrent writers
/// queue instead of failing on a lock upgrade). Split by concern into partial files.
/// </summary>
internal sealed partial class SqliteAdapterStore : IAdapterStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _leaseDuration;
    private readonly SemaphoreSlim _migrateLock = new(1, 1);
    private volatile bool _migrated;

    public SqliteAdapterStore(StoreOptions options, TimeProvider time, ILogger<SqliteAdapterStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            ForeignKeys = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        _time = time;
        _logger = logger;
        _leaseDuration = options.LeaseDuration;
        BusyTimeout = options.BusyTimeout;
    }

    public string Provider => StoreOptions.SqliteProvider;

    /// <summary>The database file (or <c>:memory:</c>).</summary>
    public string DataSource { get; }

    private TimeSpan BusyTimeout { get; }

    /// <summary>Test hook: called at named points inside units of work, to prove that a failure there leaves nothing behind.</summary>
    internal Action<string>? FaultInjector { get; set; }

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrateLock.WaitAsync(cancellationToken);
        try
        {
            CreateDataDirectory();
            await using var connection = await OpenRawAsync(cancellationToken);
            var version = await SqliteMigrator.MigrateAsync(connection, _time, _logger, cancellationToken);
            _migrated = true;
            Log.Opened(_logger, Provider, version);
            return version;
        }
        finally
        {
            _migrateLock.Release();
        }
    }

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

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // NORMAL is durable against a killed process in WAL mode (only a power cut can lose the last commits, and
            // those are redone: delivery is idempotent). busy_timeout covers lock waits outside commands too.
            await connection.ExecAsync(null, $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken);
        }

        return await OpenRawAsync(cancellationToken);
    }

    /// <summary>One unit of work: all of it commits, or (on any exception, cancellation or crash) none of it.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = await work(connection, transaction);
        transaction.Commit();
        return result;
    }

    /// <summary>Reads in one transaction, so that several queries see one snapshot.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: true);
        var result = await work(connection, transaction);
        transaction.Commit();
        return result;
    }

    private void Fault(string point) => FaultInjector?.Invoke(point);

    private string Now() => SqliteValues.Time(_time.GetUtcNow());
}
