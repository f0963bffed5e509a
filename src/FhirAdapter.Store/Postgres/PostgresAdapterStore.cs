using Microsoft.Extensions.Logging;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

/// <summary>
/// The PostgreSQL state store, shared by several workers. Each unit of work is one transaction (READ COMMITTED)
/// on a pooled connection; what SQLite gets from its single writer is made explicit here: the patient row is
/// locked (<c>FOR UPDATE</c>) by every unit that writes a patient's mapping or delivery state, the lease row is
/// locked while a unit checks it, ingest takes a transaction advisory lock, and claims use
/// <c>FOR UPDATE SKIP LOCKED</c>. A unit that loses a deadlock or serialization race is retried from the start.
/// Times come from <see cref="TimeProvider"/> (never the database's <c>now()</c>), as in SQLite, so leases expire by
/// the same clock the worker uses. Split by concern into partial files.
/// </summary>
internal sealed partial class PostgresAdapterStore : IAdapterStore, IAsyncDisposable, IDisposable
{
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _leaseDuration;
    private readonly SemaphoreSlim _migrateLock = new(1, 1);
    private volatile bool _migrated;

    public PostgresAdapterStore(StoreOptions options, TimeProvider time, ILogger<PostgresAdapterStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "fhiradapter";
        }

        // BusyTimeout means what it means on SQLite: how long a write waits for another writer's lock.
        builder.Options = $"{builder.Options} -c lock_timeout={(int)options.BusyTimeout.TotalMilliseconds}".Trim();
        ConnectionString = builder.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(builder);
        _time = time;
        _logger = logger;
        _leaseDuration = options.LeaseDuration;
    }

    public string Provider => StoreOptions.PostgresProvider;

    /// <summary>The effective connection string (for a second store on the same database in tests; may hold a password: never log it).</summary>
    internal string ConnectionString { get; }

    /// <summary>Test hook: called at named points inside units of work, to prove that a failure there leaves nothing behind.</summary>
    internal Action<string>? FaultInjector { get; set; }

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrateLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var version = await PostgresMigrator.MigrateAsync(connection, _time, _logger, cancellationToken);
            _migrated = true;
            Log.Opened(_logger, Provider, version);
            return version;
        }
        finally
        {
            _migrateLock.Release();
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken);
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>
    /// One unit of work: all of it commits, or (on any exception, cancellation or crash) none of it. A deadlock or
    /// serialization failure rolls it back and runs it again; the work must therefore only change the database
    /// and its own locals.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < MaxAttempts)
            {
                PostgresLog.Retrying(_logger, e.SqlState, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50) * attempt), _time, cancellationToken);
            }
        }
    }

    /// <summary>Reads in one snapshot (REPEATABLE READ, read only), so that several queries agree.</summary>
    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Serializes the writes of one patient (the patient row may not exist yet: then nothing is locked, and nothing of the patient exists to race on).</summary>
    private static Task LockPatientAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string patientKey, CancellationToken cancellationToken) =>
        connection.ExecAsync(transaction, "SELECT 1 FROM patient WHERE patient_key = @p FOR UPDATE", cancellationToken, ("@p", patientKey));

    private void Fault(string point) => FaultInjector?.Invoke(point);

    /// <summary>Now, to the microsecond the database keeps, so what a call returns is what a later read returns.</summary>
    private DateTimeOffset Now() => PostgresValues.Time(_time.GetUtcNow());

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
