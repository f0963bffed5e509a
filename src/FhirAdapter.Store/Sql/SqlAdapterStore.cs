using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store.Sql;

/// <summary>
/// The state store, on any database a <see cref="SqlDialect"/> describes: every method's SQL is written once, here,
/// split by concern into partial files. A unit of work is one transaction on a pooled connection; where the
/// database runs several at once (PostgreSQL), the rows a unit depends on are locked (the patient row by every unit
/// that writes a patient's mapping or delivery state, the lease row while a unit checks it), claims skip rows
/// another unit holds, and a unit that loses a race is run again from the start. Times come from
/// <see cref="TimeProvider"/>, never the database's clock, so leases expire by the clock the worker uses.
/// </summary>
internal sealed partial class SqlAdapterStore(SqlDialect dialect, StoreOptions options, TimeProvider time, ILogger logger, Func<double> random)
    : IAdapterStore, Search.IResourceQuery, IAsyncDisposable, IDisposable
{
    private const int MaxAttempts = 5;

    private readonly SemaphoreSlim _migrateLock = new(1, 1);
    private readonly string _lockPatientSql = $"SELECT 1 FROM patient WHERE patient_key = @p{dialect.ForUpdate}";
    private volatile bool _migrated;

    public string Provider => dialect.Provider;

    internal SqlDialect Dialect => dialect;

    /// <summary>Test hook: called at named points inside units of work, to prove that a failure there leaves nothing behind.</summary>
    internal Action<string>? FaultInjector { get; set; }

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var session = new SqlSession(await dialect.OpenForMigrationAsync(cancellationToken).ConfigureAwait(false), dialect);
            await using var _ = session.ConfigureAwait(false);
            var version = await SqlMigrator.MigrateAsync(session, time, logger, cancellationToken).ConfigureAwait(false);
            _migrated = true;
            Log.Opened(logger, Provider, version);
            return version;
        }
        finally
        {
            _migrateLock.Release();
        }
    }

    private async Task<SqlSession> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        return new SqlSession(await dialect.OpenAsync(cancellationToken).ConfigureAwait(false), dialect);
    }

    /// <summary>
    /// One unit of work: all of it commits, or (on any exception, cancellation or crash) none of it. A unit that
    /// lost a race (<see cref="SqlDialect.IsTransient"/>) is rolled back and run again; the work must therefore
    /// only change the database and its own locals.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqlSession, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var session = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var _ = session.ConfigureAwait(false);
                await session.BeginAsync(write: true, cancellationToken).ConfigureAwait(false);
                var result = await work(session).ConfigureAwait(false);
                await session.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && dialect.IsTransient(e, out var code))
            {
                Log.Retrying(logger, code, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds((5 + (int)(random() * 45)) * attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads in one transaction, so that several queries see one snapshot.</summary>
    private async Task<T> ReadAsync<T>(Func<SqlSession, Task<T>> work, CancellationToken cancellationToken)
    {
        var session = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = session.ConfigureAwait(false);
        await session.BeginAsync(write: false, cancellationToken).ConfigureAwait(false);
        var result = await work(session).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>One statement, outside any transaction.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var session = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = session.ConfigureAwait(false);
        return await session.QueryAsync(sql, map, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>Serializes the writes of one patient where units run side by side (a patient with no row yet has nothing to race on).</summary>
    private async Task LockPatientAsync(SqlSession session, string patientKey, CancellationToken cancellationToken)
    {
        if (dialect.LocksRows)
        {
            await session.ExecAsync(_lockPatientSql, cancellationToken, ("@p", patientKey)).ConfigureAwait(false);
        }
    }

    private void Fault(string point) => FaultInjector?.Invoke(point);

    /// <summary>Now, to the step the database keeps, so what a call returns is what a later read returns.</summary>
    private DateTimeOffset Now() => dialect.Truncate(time.GetUtcNow());

    private DateTimeOffset Time(DbDataReader reader, int ordinal) => dialect.ReadTime(reader, ordinal);

    private DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : dialect.ReadTime(reader, ordinal);

    /// <summary>The content hash of a resource (and the dedupe key of a quarantine entry): SHA-256, lower-case hex.</summary>
    internal static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public ValueTask DisposeAsync() => dialect.DisposeAsync();

    public void Dispose() => dialect.Dispose();
}
