using System.Data.Common;
using System.Globalization;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Operations;
using FhirAdapter.Store.Runs;

namespace FhirAdapter.Store.Sql;

/// <summary>The console's tables (migration 0007: operators, views of patient data, the report beside its run) and reads.</summary>
internal sealed partial class SqlAdapterStore : IOperatorStore, IPatientViewStore, ISyncReportStore, IOperationsQueries
{
    private const string OperatorSelect = "SELECT name, role, password_hash, failed_sign_ins, locked_until, created_at, last_sign_in_at FROM operator";

    /// <summary>The run's columns as <see cref="ReadRun"/> reads them, then its report.</summary>
    private const string ReportSelect =
        "SELECT id, owner, started_at, finished_at, outcome, records_read, records_mapped, records_delivered, records_rejected, report_json FROM sync_run";

    // ---- operators

    public async Task<bool> AddOperatorAsync(OperatorAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return await WriteAsync(session => session.ExecAsync("""
            INSERT INTO operator (name, role, password_hash, failed_sign_ins, locked_until, created_at, last_sign_in_at)
            VALUES (@n, @r, @h, 0, NULL, @t, NULL) ON CONFLICT (name) DO NOTHING
            """, cancellationToken, ("@n", account.Name), ("@r", StoreValues.Code(account.Role)), ("@h", account.PasswordHash), ("@t", account.CreatedAt)),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<OperatorAccount?> FindOperatorAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync($"{OperatorSelect} WHERE name = @n", ReadOperator, cancellationToken, ("@n", name)).ConfigureAwait(false)).SingleOrDefault();

    public async Task<IReadOnlyList<OperatorAccount>> ListOperatorsAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"{OperatorSelect} ORDER BY name", ReadOperator, cancellationToken).ConfigureAwait(false);

    public async Task<bool> RemoveOperatorAsync(string name, CancellationToken cancellationToken) =>
        await WriteAsync(session => session.ExecAsync("DELETE FROM operator WHERE name = @n", cancellationToken, ("@n", name)), cancellationToken).ConfigureAwait(false) == 1;

    public async Task<long> CountOperatorsAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT COUNT(*) FROM operator", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0];

    public Task RecordSignInSucceededAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(session => session.ExecAsync("UPDATE operator SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = @t WHERE name = @n",
            cancellationToken, ("@t", Now()), ("@n", name)), cancellationToken);

    public Task RecordSignInFailedAsync(string name, int maxFailures, DateTimeOffset lockedUntil, CancellationToken cancellationToken) =>
        WriteAsync(session => session.ExecAsync("""
            UPDATE operator SET
                locked_until = CASE WHEN failed_sign_ins + 1 >= @max THEN @until ELSE locked_until END,
                failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @max THEN 0 ELSE failed_sign_ins + 1 END
            WHERE name = @n
            """, cancellationToken, ("@max", maxFailures), ("@until", lockedUntil), ("@n", name)), cancellationToken);

    private OperatorAccount ReadOperator(DbDataReader r) => new(
        r.GetString(0), StoreValues.Parse<OperatorRole>(r.GetString(1)), r.GetString(2), r.GetInt32(3), NullableTime(r, 4), Time(r, 5), NullableTime(r, 6));

    // ---- views of patient data

    public Task RecordPatientViewAsync(string operatorName, string? patientKey, string what, CancellationToken cancellationToken) =>
        WriteAsync(session => session.ExecAsync("INSERT INTO patient_data_view (operator_name, viewed_at, patient_key, what) VALUES (@o, @t, @p, @w)",
            cancellationToken, ("@o", operatorName), ("@t", Now()), ("@p", patientKey), ("@w", what)), cancellationToken);

    public async Task<IReadOnlyList<PatientDataView>> GetPatientViewsAsync(string patientKey, int limit, CancellationToken cancellationToken) =>
        await QueryAsync("""
            SELECT id, operator_name, viewed_at, patient_key, what FROM patient_data_view WHERE patient_key = @p ORDER BY viewed_at DESC, id DESC LIMIT @l
            """, r => new PatientDataView(r.GetInt64(0), r.GetString(1), Time(r, 2), r.NullableString(3), r.GetString(4)),
            cancellationToken, ("@p", patientKey), ("@l", limit)).ConfigureAwait(false);

    // ---- sync reports

    public Task SaveSyncReportAsync(long runId, string reportJson, CancellationToken cancellationToken) =>
        WriteAsync(async session => await session.ExecAsync("UPDATE sync_run SET report_json = @j WHERE id = @id", cancellationToken, ("@j", reportJson), ("@id", runId)).ConfigureAwait(false) == 1
            ? 1 : throw new ArgumentException($"No sync run {runId}", nameof(runId)), cancellationToken);

    public async Task<IReadOnlyList<SyncRunReport>> GetSyncReportsAsync(int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"{ReportSelect} ORDER BY id DESC LIMIT @l", ReadReport, cancellationToken, ("@l", limit)).ConfigureAwait(false);

    public async Task<SyncRunReport?> GetSyncReportAsync(long runId, CancellationToken cancellationToken) =>
        (await QueryAsync($"{ReportSelect} WHERE id = @id", ReadReport, cancellationToken, ("@id", runId)).ConfigureAwait(false)).SingleOrDefault();

    private SyncRunReport ReadReport(DbDataReader r) => new(ReadRun(r), r.NullableString(9));

    // ---- console reads

    public async Task<IReadOnlyList<PatientDelivery>> GetPatientDeliveriesAsync(string patientKey, CancellationToken cancellationToken) =>
        await QueryAsync("""
            SELECT s.destination, s.resource_type, COALESCE(r.logical_id, s.identifier), s.status, s.attempts, s.updated_at, s.sent_at, s.server_id, s.server_version, s.reason
            FROM destination_resource s LEFT JOIN patient_resource r ON r.patient_key = s.patient_key AND r.resource_type = s.resource_type AND r.identifier = s.identifier
            WHERE s.patient_key = @p ORDER BY s.destination, r.position
            """, r => new PatientDelivery(r.GetString(0), r.GetString(1), r.GetString(2), StoreValues.Parse<DeliveryStatus>(r.GetString(3)), r.GetInt32(4),
                Time(r, 5), NullableTime(r, 6), r.NullableString(7), r.NullableString(8), r.NullableString(9)),
            cancellationToken, ("@p", patientKey)).ConfigureAwait(false);

    public async Task<IReadOnlyList<DeliveryProblem>> GetDeliveryProblemsAsync(int limit, CancellationToken cancellationToken) =>
        await QueryAsync("""
            SELECT destination, patient_key, resource_type, logical_id, status, attempts, reason, at FROM (
                SELECT s.destination, s.patient_key, s.resource_type, COALESCE(r.logical_id, s.identifier) AS logical_id, s.status, s.attempts, s.reason,
                       s.updated_at AS at,
                       ROW_NUMBER() OVER (PARTITION BY s.destination ORDER BY s.updated_at DESC, s.resource_type, s.identifier) AS n
                FROM destination_resource s
                LEFT JOIN patient_resource r ON r.patient_key = s.patient_key AND r.resource_type = s.resource_type AND r.identifier = s.identifier
                WHERE s.reason IS NOT NULL AND s.status IN ('rejected', 'retry-later', 'conflict', 'blocked')
            ) problems WHERE n <= @l ORDER BY destination, at DESC
            """, r => new DeliveryProblem(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), StoreValues.Parse<DeliveryStatus>(r.GetString(4)),
                r.GetInt32(5), r.GetString(6), Time(r, 7)),
            cancellationToken, ("@l", limit)).ConfigureAwait(false);

    public async Task<IReadOnlyList<InstanceSeen>> GetInstancesAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        await QueryAsync("""
            SELECT owner, MAX(last_sync), SUM(leases) FROM (
                SELECT owner, MAX(started_at) AS last_sync, 0 AS leases FROM sync_run WHERE started_at >= @s GROUP BY owner
                UNION ALL
                SELECT owner, NULL, COUNT(*) FROM patient_lease WHERE expires_at > @now GROUP BY owner
            ) seen GROUP BY owner ORDER BY owner
            """, r => new InstanceSeen(r.GetString(0), NullableTime(r, 1), Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture)),
            cancellationToken, ("@s", dialect.Ceiling(since)), ("@now", time.GetUtcNow())).ConfigureAwait(false);
}
