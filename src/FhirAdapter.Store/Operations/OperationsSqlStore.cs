using System.Data.Common;
using System.Globalization;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Postgres;
using FhirAdapter.Store.Runs;
using FhirAdapter.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FhirAdapter.Store.Operations;

/// <summary>
/// The console's tables (migration 0007) and reads, in one SQL text for both databases over System.Data.Common; the
/// few differences (how a time is written and read, how a connection opens) are the <see cref="_postgres"/> switch.
/// </summary>
/// <remarks>
/// Interim home: the store is being unified into one System.Data.Common implementation (issue 18). Until that lands,
/// the providers take no new methods, so this class opens its own connections to the same database (the schema is
/// migrated by the provider first). Once unified, these methods move into it unchanged.
/// </remarks>
internal sealed class OperationsSqlStore : IOperatorStore, IPatientViewStore, ISyncReportStore, IOperationsQueries, IDisposable
{
    private readonly IAdapterStore _store;
    private readonly TimeProvider _time;
    private readonly bool _postgres;
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly NpgsqlDataSource? _dataSource;
    private volatile bool _migrated;

    public OperationsSqlStore(IAdapterStore store, StoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _time = time;
        _postgres = string.Equals(options.Provider, StoreOptions.PostgresProvider, StringComparison.OrdinalIgnoreCase);
        _busyTimeoutMs = (int)options.BusyTimeout.TotalMilliseconds;
        if (_postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            if (string.IsNullOrEmpty(builder.ApplicationName))
            {
                builder.ApplicationName = "fhiradapter";
            }

            _connectionString = builder.ConnectionString;
            _dataSource = NpgsqlDataSource.Create(builder);
        }
        else
        {
            _connectionString = new SqliteConnectionStringBuilder(options.ConnectionString)
            {
                DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
            }.ToString();
        }
    }

    // ---- operators

    public async Task<bool> AddOperatorAsync(OperatorAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return await ExecAsync("""
            INSERT INTO operator (name, role, password_hash, failed_sign_ins, locked_until, created_at, last_sign_in_at)
            VALUES (@n, @r, @h, 0, NULL, @t, NULL) ON CONFLICT (name) DO NOTHING
            """, cancellationToken, ("@n", account.Name), ("@r", Code(account.Role)), ("@h", account.PasswordHash), ("@t", Time(account.CreatedAt))) == 1;
    }

    public async Task<OperatorAccount?> FindOperatorAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync($"{OperatorSelect} WHERE name = @n", ReadOperator, cancellationToken, ("@n", name))).SingleOrDefault();

    public Task<IReadOnlyList<OperatorAccount>> ListOperatorsAsync(CancellationToken cancellationToken) =>
        QueryAsync($"{OperatorSelect} ORDER BY name", ReadOperator, cancellationToken);

    public async Task<bool> RemoveOperatorAsync(string name, CancellationToken cancellationToken) =>
        await ExecAsync("DELETE FROM operator WHERE name = @n", cancellationToken, ("@n", name)) == 1;

    public async Task<long> CountOperatorsAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT COUNT(*) FROM operator", r => r.GetInt64(0), cancellationToken))[0];

    public Task RecordSignInSucceededAsync(string name, CancellationToken cancellationToken) =>
        ExecAsync("UPDATE operator SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = @t WHERE name = @n",
            cancellationToken, ("@t", Time(_time.GetUtcNow())), ("@n", name));

    public Task RecordSignInFailedAsync(string name, int maxFailures, DateTimeOffset lockedUntil, CancellationToken cancellationToken) =>
        ExecAsync("""
            UPDATE operator SET
                locked_until = CASE WHEN failed_sign_ins + 1 >= @max THEN @until ELSE locked_until END,
                failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @max THEN 0 ELSE failed_sign_ins + 1 END
            WHERE name = @n
            """, cancellationToken, ("@max", maxFailures), ("@until", Time(lockedUntil)), ("@n", name));

    private const string OperatorSelect = "SELECT name, role, password_hash, failed_sign_ins, locked_until, created_at, last_sign_in_at FROM operator";

    private OperatorAccount ReadOperator(DbDataReader r) => new(
        r.GetString(0), r.GetString(1) == "privacy" ? OperatorRole.Privacy : OperatorRole.Operator, r.GetString(2), r.GetInt32(3),
        NullableTime(r, 4), ReadTime(r, 5), NullableTime(r, 6));

    private static string Code(OperatorRole role) => role == OperatorRole.Privacy ? "privacy" : "operator";

    // ---- views of patient data

    public Task RecordPatientViewAsync(string operatorName, string? patientKey, string what, CancellationToken cancellationToken) =>
        ExecAsync("INSERT INTO patient_data_view (operator_name, viewed_at, patient_key, what) VALUES (@o, @t, @p, @w)",
            cancellationToken, ("@o", operatorName), ("@t", Time(_time.GetUtcNow())), ("@p", patientKey), ("@w", what));

    public Task<IReadOnlyList<PatientDataView>> GetPatientViewsAsync(string patientKey, int limit, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT id, operator_name, viewed_at, patient_key, what FROM patient_data_view
            WHERE patient_key = @p ORDER BY viewed_at DESC, id DESC LIMIT @l
            """, r => new PatientDataView(r.GetInt64(0), r.GetString(1), ReadTime(r, 2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4)),
            cancellationToken, ("@p", patientKey), ("@l", limit));

    // ---- sync reports

    public async Task SaveSyncReportAsync(long runId, string reportJson, CancellationToken cancellationToken)
    {
        if (await ExecAsync("UPDATE sync_run SET report_json = @j WHERE id = @id", cancellationToken, ("@j", reportJson), ("@id", runId)) != 1)
        {
            throw new ArgumentException($"No sync run {runId}", nameof(runId));
        }
    }

    public Task<IReadOnlyList<SyncRunReport>> GetSyncReportsAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync($"{ReportSelect} ORDER BY id DESC LIMIT @l", ReadReport, cancellationToken, ("@l", limit));

    public async Task<SyncRunReport?> GetSyncReportAsync(long runId, CancellationToken cancellationToken) =>
        (await QueryAsync($"{ReportSelect} WHERE id = @id", ReadReport, cancellationToken, ("@id", runId))).SingleOrDefault();

    private const string ReportSelect =
        "SELECT id, owner, started_at, finished_at, outcome, records_read, records_mapped, records_delivered, records_rejected, report_json FROM sync_run";

    private SyncRunReport ReadReport(DbDataReader r) => new(
        new SyncRun(r.GetInt64(0), r.GetString(1), ReadTime(r, 2), NullableTime(r, 3), r.IsDBNull(4) ? null : SqliteValues.ParseRunOutcome(r.GetString(4)),
            new SyncRunCounts(r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8))),
        r.IsDBNull(9) ? null : r.GetString(9));

    // ---- console reads

    public Task<IReadOnlyList<PatientDelivery>> GetPatientDeliveriesAsync(string patientKey, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT d.destination, r.resource_type, r.logical_id, d.status, d.attempts, d.queued_at, d.sent_at, d.server_id, d.server_version, d.reason
            FROM delivery d JOIN patient_resource r ON r.id = d.resource_id
            WHERE d.patient_key = @p ORDER BY d.destination, r.position
            """, r => new PatientDelivery(r.GetString(0), r.GetString(1), r.GetString(2), SqliteValues.ParseDeliveryStatus(r.GetString(3)), r.GetInt32(4),
                ReadTime(r, 5), NullableTime(r, 6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9)),
            cancellationToken, ("@p", patientKey));

    public Task<IReadOnlyList<DeliveryProblem>> GetDeliveryProblemsAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT destination, patient_key, resource_type, logical_id, status, attempts, reason, at FROM (
                SELECT d.destination, d.patient_key, r.resource_type, r.logical_id, d.status, d.attempts, d.reason,
                       COALESCE(d.last_attempt_at, d.queued_at) AS at,
                       ROW_NUMBER() OVER (PARTITION BY d.destination ORDER BY COALESCE(d.last_attempt_at, d.queued_at) DESC, d.resource_id) AS n
                FROM delivery d JOIN patient_resource r ON r.id = d.resource_id
                WHERE d.reason IS NOT NULL AND (d.status = 'rejected' OR d.status = 'pending')
            ) problems WHERE n <= @l ORDER BY destination, at DESC
            """, r => new DeliveryProblem(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), SqliteValues.ParseDeliveryStatus(r.GetString(4)),
                r.GetInt32(5), r.GetString(6), ReadTime(r, 7)),
            cancellationToken, ("@l", limit));

    public Task<IReadOnlyList<InstanceSeen>> GetInstancesAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT owner, MAX(last_sync), SUM(leases) FROM (
                SELECT owner, MAX(started_at) AS last_sync, 0 AS leases FROM sync_run WHERE started_at >= @s GROUP BY owner
                UNION ALL
                SELECT owner, NULL, COUNT(*) FROM patient_lease WHERE expires_at > @now GROUP BY owner
            ) seen GROUP BY owner ORDER BY owner
            """, r => new InstanceSeen(r.GetString(0), NullableTime(r, 1), Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture)),
            cancellationToken, ("@s", Time(since)), ("@now", Time(_time.GetUtcNow())));

    // ---- plumbing: the only differences between the two databases

    private object Time(DateTimeOffset value) => _postgres ? PostgresValues.Time(value) : SqliteValues.Time(value);

    private DateTimeOffset ReadTime(DbDataReader r, int ordinal) =>
        _postgres ? r.GetFieldValue<DateTimeOffset>(ordinal) : SqliteValues.ParseTime(r.GetString(ordinal));

    private DateTimeOffset? NullableTime(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : ReadTime(r, ordinal);

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await _store.MigrateAsync(cancellationToken);
            _migrated = true;
        }

        if (_dataSource is not null)
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout = {_busyTimeoutMs};";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task<int> ExecAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL text is constant; values go in parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public void Dispose() => _dataSource?.Dispose();
}
