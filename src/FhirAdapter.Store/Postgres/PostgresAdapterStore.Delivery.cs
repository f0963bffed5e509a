using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Sqlite;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

internal sealed partial class PostgresAdapterStore
{
    private const string PendingSelect = """
        SELECT d.destination, d.patient_key, r.resource_type, r.identifier, r.logical_id, r.request_url, r.resource_json, d.content_hash,
               d.attempts, d.reason, d.server_id, d.server_version, d.queued_at
        FROM delivery d JOIN patient_resource r ON r.id = d.resource_id
        """;

    private const string StateSelect = """
        SELECT d.destination, d.patient_key, r.resource_type, r.identifier, d.status, d.content_hash, d.attempts, d.server_id, d.server_version,
               d.sent_at, d.reason, d.outcome_json, d.queued_at
        FROM delivery d JOIN patient_resource r ON r.id = d.resource_id
        """;

    public async Task<IReadOnlyList<PendingDelivery>> GetPendingAsync(string destination, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, $"{PendingSelect} WHERE d.destination = @d AND d.status = 'pending' ORDER BY d.patient_key, r.position LIMIT @n",
            ReadPending, cancellationToken, ("@d", destination), ("@n", limit));
    }

    public async Task<IReadOnlyList<PendingDelivery>> GetPendingForPatientAsync(string destination, string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, $"{PendingSelect} WHERE d.destination = @d AND d.patient_key = @p AND d.status = 'pending' ORDER BY r.position",
            ReadPending, cancellationToken, ("@d", destination), ("@p", patientKey));
    }

    public Task<DeliveryRecordResult> RecordDeliveryAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(report.Destination);
        ArgumentException.ThrowIfNullOrEmpty(report.PatientKey);
        ArgumentNullException.ThrowIfNull(report.Outcomes);
        foreach (var outcome in report.Outcomes)
        {
            ArgumentNullException.ThrowIfNull(outcome);
            ArgumentException.ThrowIfNullOrEmpty(outcome.ContentHash);
            if (outcome.Kind == DeliveryOutcomeKind.Sent && string.IsNullOrEmpty(outcome.ServerId))
            {
                throw new ArgumentException($"A sent {outcome.ResourceType} needs its server id", nameof(report));
            }
        }

        if (report.Disclosure is { } disclosure)
        {
            ValidateDisclosure(disclosure);
        }

        return WriteAsync(async (connection, transaction) =>
        {
            // Locked so that a concurrent remap cannot move a resource to a newer version between the hash check
            // below and the write (which would mark the newer version sent).
            await LockPatientAsync(connection, transaction, report.PatientKey, cancellationToken);
            await CheckLeaseAsync(connection, transaction, report.PatientKey, report.LeaseOwner, cancellationToken);
            var now = Now();
            int sent = 0, rejected = 0, pending = 0, ignored = 0;
            foreach (var outcome in report.Outcomes)
            {
                var resource = (await connection.QueryAsync(transaction,
                    "SELECT id, content_hash FROM patient_resource WHERE patient_key = @p AND resource_type = @t AND identifier = @i",
                    r => (Id: r.GetInt64(0), Hash: r.GetString(1)), cancellationToken,
                    ("@p", report.PatientKey), ("@t", outcome.ResourceType), ("@i", outcome.Identifier))).SingleOrDefault();
                if (resource.Hash is null)
                {
                    ignored++;
                    continue;
                }

                Fault("delivery.checked");
                var current = resource.Hash == outcome.ContentHash;
                switch (outcome.Kind)
                {
                    case DeliveryOutcomeKind.Sent when current:
                        // Recorded even over a cancellation: the data did reach the destination.
                        await UpsertDeliveryAsync(connection, transaction, report, resource.Id, outcome, "sent", now, cancellationToken);
                        sent++;
                        break;
                    case DeliveryOutcomeKind.Sent:
                        // An older version arrived; the server id is kept for the next (conditional) update, the newer version stays pending.
                        await connection.ExecAsync(transaction, """
                            UPDATE delivery SET server_id = @sid, server_version = @sv, last_attempt_at = @now
                            WHERE destination = @d AND resource_id = @id
                            """, cancellationToken, ("@sid", outcome.ServerId), ("@sv", outcome.ServerVersion), ("@now", now),
                            ("@d", report.Destination), ("@id", resource.Id));
                        pending++;
                        break;
                    case DeliveryOutcomeKind.Rejected when current:
                        await UpsertDeliveryAsync(connection, transaction, report, resource.Id, outcome, "rejected", now, cancellationToken);
                        rejected++;
                        break;
                    case DeliveryOutcomeKind.Withheld when current:
                        await UpsertDeliveryAsync(connection, transaction, report, resource.Id, outcome, "cancelled", now, cancellationToken);
                        break;
                    default:
                        await connection.ExecAsync(transaction, """
                            UPDATE delivery SET attempts = attempts + 1, last_attempt_at = @now, reason = @reason
                            WHERE destination = @d AND resource_id = @id AND status = 'pending'
                            """, cancellationToken, ("@now", now), ("@reason", outcome.Reason), ("@d", report.Destination), ("@id", resource.Id));
                        pending++;
                        break;
                }

                Fault("delivery.outcome");
            }

            if (report.Disclosure is { } d)
            {
                await InsertDisclosureAsync(connection, transaction, d, now, cancellationToken);
            }

            return new DeliveryRecordResult(sent, rejected, pending, ignored);
        }, cancellationToken);
    }

    private static Task<int> UpsertDeliveryAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DeliveryReport report, long resourceId, DeliveryOutcome outcome, string status, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecAsync(transaction, """
            INSERT INTO delivery (destination, resource_id, patient_key, status, content_hash, queued_at, attempts, last_attempt_at, server_id, server_version, sent_at, reason, outcome_json)
            VALUES (@d, @id, @p, @s, @h, @now, 1, @now, @sid::text, @sv::text, CASE WHEN @s = 'sent' THEN @now END, @reason::text, @oo::text)
            ON CONFLICT (destination, resource_id) DO UPDATE SET
                status = EXCLUDED.status, content_hash = EXCLUDED.content_hash, attempts = delivery.attempts + 1, last_attempt_at = EXCLUDED.last_attempt_at,
                server_id = COALESCE(EXCLUDED.server_id, delivery.server_id),
                server_version = CASE WHEN EXCLUDED.server_id IS NULL THEN delivery.server_version ELSE EXCLUDED.server_version END,
                sent_at = CASE WHEN EXCLUDED.status = 'sent' THEN EXCLUDED.last_attempt_at ELSE delivery.sent_at END,
                reason = EXCLUDED.reason, outcome_json = EXCLUDED.outcome_json
            """, cancellationToken,
            ("@d", report.Destination), ("@id", resourceId), ("@p", report.PatientKey), ("@s", status), ("@h", outcome.ContentHash), ("@now", now),
            ("@sid", outcome.ServerId), ("@sv", outcome.ServerVersion), ("@reason", outcome.Reason), ("@oo", outcome.OperationOutcomeJson));

    public async Task<DeliveryState?> GetDeliveryAsync(string destination, string patientKey, string resourceType, string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        ArgumentException.ThrowIfNullOrEmpty(resourceType);
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        await using var connection = await OpenAsync(cancellationToken);
        return (await connection.QueryAsync(null, $"{StateSelect} WHERE d.destination = @d AND r.patient_key = @p AND r.resource_type = @t AND r.identifier = @i",
            ReadState, cancellationToken, ("@d", destination), ("@p", patientKey), ("@t", resourceType), ("@i", identifier))).SingleOrDefault();
    }

    public async Task<DeliveryState?> FindByRequestUrlAsync(string destination, string requestUrl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(requestUrl);
        await using var connection = await OpenAsync(cancellationToken);
        // NULLS LAST: SQLite sorts a null sent_at last in descending order, PostgreSQL first.
        return (await connection.QueryAsync(null,
            $"{StateSelect} WHERE d.destination = @d AND r.request_url = @u ORDER BY r.removed_at IS NOT NULL, d.sent_at DESC NULLS LAST LIMIT 1",
            ReadState, cancellationToken, ("@d", destination), ("@u", requestUrl))).SingleOrDefault();
    }

    public Task<int> CancelPendingAsync(string patientKey, string? destination, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return WriteAsync(async (connection, transaction) =>
        {
            await LockPatientAsync(connection, transaction, patientKey, cancellationToken);
            return await CancelRowsAsync(connection, transaction, "patient_key = @p AND (@dest::text IS NULL OR destination = @dest::text)",
                reason, Now(), cancellationToken, ("@p", patientKey), ("@dest", destination));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryCounts>> CountDeliveriesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await CountDeliveriesAsync(connection, null, cancellationToken);
    }

    private static Task<List<DeliveryCounts>> CountDeliveriesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        connection.QueryAsync(transaction, """
            SELECT destination, COUNT(*) FILTER (WHERE status = 'pending'), COUNT(*) FILTER (WHERE status = 'sent'),
                   COUNT(*) FILTER (WHERE status = 'rejected'), COUNT(*) FILTER (WHERE status = 'cancelled')
            FROM delivery GROUP BY destination ORDER BY destination
            """,
            r => new DeliveryCounts(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), cancellationToken);

    private static PendingDelivery ReadPending(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
        r.GetInt32(8), r.NullableString(9), r.NullableString(10), r.NullableString(11), r.Time(12));

    private static DeliveryState ReadState(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), SqliteValues.ParseDeliveryStatus(r.GetString(4)), r.GetString(5), r.GetInt32(6),
        r.NullableString(7), r.NullableString(8), r.NullableTime(9), r.NullableString(10), r.NullableString(11), r.Time(12));
}
