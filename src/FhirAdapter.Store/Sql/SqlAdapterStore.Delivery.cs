using System.Data.Common;
using FhirAdapter.Store.Delivery;

namespace FhirAdapter.Store.Sql;

internal sealed partial class SqlAdapterStore
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

    private const string UpsertDeliverySql = """
        INSERT INTO delivery (destination, resource_id, patient_key, status, content_hash, queued_at, attempts, last_attempt_at, server_id, server_version, sent_at, reason, outcome_json)
        VALUES (@d, @id, @p, @s, @h, @now, 1, @now, @sid, @sv, CASE WHEN @s = 'sent' THEN @now END, @reason, @oo)
        ON CONFLICT (destination, resource_id) DO UPDATE SET status = excluded.status, content_hash = excluded.content_hash, attempts = delivery.attempts + 1,
            last_attempt_at = excluded.last_attempt_at, server_id = COALESCE(excluded.server_id, delivery.server_id),
            server_version = CASE WHEN excluded.server_id IS NULL THEN delivery.server_version ELSE excluded.server_version END,
            sent_at = CASE WHEN excluded.status = 'sent' THEN excluded.last_attempt_at ELSE delivery.sent_at END, reason = excluded.reason, outcome_json = excluded.outcome_json
        """;

    private const string CountDeliveriesSql = """
        SELECT destination, COUNT(*) FILTER (WHERE status = 'pending'), COUNT(*) FILTER (WHERE status = 'sent'),
               COUNT(*) FILTER (WHERE status = 'rejected'), COUNT(*) FILTER (WHERE status = 'cancelled')
        FROM delivery GROUP BY destination ORDER BY destination
        """;

    public async Task<IReadOnlyList<PendingDelivery>> GetPendingAsync(string destination, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await QueryAsync($"{PendingSelect} WHERE d.destination = @d AND d.status = 'pending' ORDER BY d.patient_key, r.position LIMIT @n",
            ReadPending, cancellationToken, ("@d", destination), ("@n", limit));
    }

    public async Task<IReadOnlyList<PendingDelivery>> GetPendingForPatientAsync(string destination, string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return await QueryAsync($"{PendingSelect} WHERE d.destination = @d AND d.patient_key = @p AND d.status = 'pending' ORDER BY r.position",
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

        return WriteAsync(async session =>
        {
            // Locked so that a concurrent remap cannot move a resource to a newer version between the hash check below
            // and the write (which would mark the newer version sent).
            await LockPatientAsync(session, report.PatientKey, cancellationToken);
            await CheckLeaseAsync(session, report.PatientKey, report.LeaseOwner, cancellationToken);
            var now = Now();
            int sent = 0, rejected = 0, pending = 0, ignored = 0;
            foreach (var outcome in report.Outcomes)
            {
                var resource = (await session.QueryAsync("SELECT id, content_hash FROM patient_resource WHERE patient_key = @p AND resource_type = @t AND identifier = @i",
                    r => (Id: r.GetInt64(0), Hash: r.GetString(1)), cancellationToken, ("@p", report.PatientKey), ("@t", outcome.ResourceType), ("@i", outcome.Identifier)))
                    .SingleOrDefault();
                if (resource.Hash is null)
                {
                    ignored++;
                    continue;
                }

                Fault("delivery.checked");
                var current = resource.Hash == outcome.ContentHash;
                (string? Status, string Sql) write = outcome.Kind switch
                {
                    // Sent is recorded even over a cancellation: the data did reach the destination.
                    DeliveryOutcomeKind.Sent when current => ("sent", UpsertDeliverySql),
                    DeliveryOutcomeKind.Rejected when current => ("rejected", UpsertDeliverySql),
                    DeliveryOutcomeKind.Withheld when current => ("cancelled", UpsertDeliverySql),
                    // An older version arrived: its server id is kept for the next (conditional) update, the newer version stays pending.
                    DeliveryOutcomeKind.Sent => (null, "UPDATE delivery SET server_id = @sid, server_version = @sv, last_attempt_at = @now WHERE destination = @d AND resource_id = @id"),
                    _ => (null, "UPDATE delivery SET attempts = attempts + 1, last_attempt_at = @now, reason = @reason WHERE destination = @d AND resource_id = @id AND status = 'pending'"),
                };
                await session.ExecAsync(write.Sql, cancellationToken, ("@d", report.Destination), ("@id", resource.Id), ("@p", report.PatientKey), ("@s", write.Status),
                    ("@h", outcome.ContentHash), ("@now", now), ("@sid", outcome.ServerId), ("@sv", outcome.ServerVersion), ("@reason", outcome.Reason), ("@oo", outcome.OperationOutcomeJson));
                sent += write.Status == "sent" ? 1 : 0;
                rejected += write.Status == "rejected" ? 1 : 0;
                pending += write.Status is null ? 1 : 0;
                Fault("delivery.outcome");
            }

            if (report.Disclosure is { } d)
            {
                await InsertDisclosureAsync(session, d, now, cancellationToken);
            }

            return new DeliveryRecordResult(sent, rejected, pending, ignored);
        }, cancellationToken);
    }

    public async Task<DeliveryState?> GetDeliveryAsync(string destination, string patientKey, string resourceType, string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        ArgumentException.ThrowIfNullOrEmpty(resourceType);
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return (await QueryAsync($"{StateSelect} WHERE d.destination = @d AND r.patient_key = @p AND r.resource_type = @t AND r.identifier = @i",
            ReadState, cancellationToken, ("@d", destination), ("@p", patientKey), ("@t", resourceType), ("@i", identifier))).SingleOrDefault();
    }

    public async Task<DeliveryState?> FindByRequestUrlAsync(string destination, string requestUrl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(requestUrl);
        // A current resource before a removed one, then the latest sent (never sent last).
        return (await QueryAsync($"{StateSelect} WHERE d.destination = @d AND r.request_url = @u ORDER BY r.removed_at IS NOT NULL, d.sent_at DESC NULLS LAST LIMIT 1",
            ReadState, cancellationToken, ("@d", destination), ("@u", requestUrl))).SingleOrDefault();
    }

    public Task<int> CancelPendingAsync(string patientKey, string? destination, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return WriteAsync(async session =>
        {
            await LockPatientAsync(session, patientKey, cancellationToken);
            return destination is null
                ? await session.ExecAsync($"{CancelSql} AND patient_key = @p", cancellationToken, ("@reason", reason), ("@now", Now()), ("@p", patientKey))
                : await session.ExecAsync($"{CancelSql} AND patient_key = @p AND destination = @d", cancellationToken,
                    ("@reason", reason), ("@now", Now()), ("@p", patientKey), ("@d", destination));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryCounts>> CountDeliveriesAsync(CancellationToken cancellationToken) => await QueryAsync(CountDeliveriesSql, ReadCounts, cancellationToken);

    private static DeliveryCounts ReadCounts(DbDataReader r) => new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));

    private PendingDelivery ReadPending(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetString(6), r.GetString(7), r.GetInt32(8), r.NullableString(9), r.NullableString(10), r.NullableString(11), Time(r, 12));

    private DeliveryState ReadState(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), StoreValues.Parse<DeliveryStatus>(r.GetString(4)),
        r.GetString(5), r.GetInt32(6), r.NullableString(7), r.NullableString(8), NullableTime(r, 9), r.NullableString(10), r.NullableString(11), Time(r, 12));
}
