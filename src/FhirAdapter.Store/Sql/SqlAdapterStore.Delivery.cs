using System.Data.Common;
using FhirAdapter.Store.Delivery;

namespace FhirAdapter.Store.Sql;

internal sealed partial class SqlAdapterStore
{
    private const string StateSelect = """
        SELECT destination, patient_key, resource_type, identifier, status, content_hash, sent_hash, attempts, server_id, server_version,
               sent_at, reason, outcome_json, updated_at
        FROM destination_resource
        """;

    // What a destination holds of a resource moves only with a send it accepted (sent) or a withdrawal; any other
    // outcome keeps the earlier content's hash, since the destination still holds that content.
    private const string UpsertStateSql = """
        INSERT INTO destination_resource (destination, resource_type, identifier, patient_key, status, content_hash, sent_hash, attempts,
            server_id, server_version, sent_at, reason, outcome_json, updated_at)
        VALUES (@d, @t, @i, @p, @s, @h, @sh, 1, @sid, @sv, @sentAt, @reason, @oo, @now)
        ON CONFLICT (destination, resource_type, identifier) DO UPDATE SET
            patient_key = excluded.patient_key, status = excluded.status, content_hash = excluded.content_hash,
            sent_hash = CASE WHEN excluded.status IN ('sent', 'withdrawn') THEN excluded.sent_hash ELSE destination_resource.sent_hash END,
            attempts = CASE WHEN destination_resource.status = excluded.status AND destination_resource.content_hash = excluded.content_hash
                            THEN destination_resource.attempts + 1 ELSE 1 END,
            server_id = COALESCE(excluded.server_id, destination_resource.server_id),
            server_version = CASE WHEN excluded.server_id IS NULL THEN destination_resource.server_version ELSE excluded.server_version END,
            sent_at = COALESCE(excluded.sent_at, destination_resource.sent_at),
            reason = excluded.reason, outcome_json = excluded.outcome_json, updated_at = excluded.updated_at
        """;

    // The patient stays pending while an outcome waits, or when it was queued again meanwhile (its sequence moved); then
    // it goes to the back of the queue, so that a pass reaches every other patient before it comes round again.
    private const string DeliveredSql = """
        UPDATE destination_patient SET
            pending_since = CASE WHEN @waiting OR queue_seq <> @seq THEN @now ELSE NULL END,
            attempts = CASE WHEN @waiting THEN attempts + 1 ELSE 0 END, last_attempt_at = @now
        WHERE destination = @d AND patient_key = @p
        RETURNING pending_since IS NOT NULL
        """;

    // Queues one patient (or, by the SELECT forms below, many): pending from the first time it was queued, its sequence moved on.
    private const string QueueOnConflict = """
        ON CONFLICT (destination, patient_key) DO UPDATE SET
            pending_since = COALESCE(destination_patient.pending_since, excluded.pending_since), queue_seq = destination_patient.queue_seq + 1
        """;

    private const string QueueAllSql = $"""
        INSERT INTO destination_patient (destination, patient_key, pending_since, queue_seq, permitted, reason, attempts)
        SELECT @d, k.patient_key, @now, 1, NULL, NULL, 0 FROM (SELECT DISTINCT patient_key FROM patient_resource WHERE removed_at IS NULL) k WHERE true
        {QueueOnConflict}
        """;

    private const string QueueOneSql = $"""
        INSERT INTO destination_patient (destination, patient_key, pending_since, queue_seq, permitted, reason, attempts) VALUES (@d, @p, @now, 1, NULL, NULL, 0)
        {QueueOnConflict}
        """;

    // Resources of the patient's current mapping the destination does not hold in their current version (shared ones are no one patient's).
    private const string UndeliveredSql = """
        SELECT COUNT(*) FROM patient_resource r
        LEFT JOIN destination_resource s ON s.destination = @d AND s.resource_type = r.resource_type AND s.identifier = r.identifier
        WHERE r.patient_key = @p AND r.removed_at IS NULL AND r.resource_type NOT IN ('Practitioner', 'PractitionerRole', 'Organization', 'Location')
          AND (s.destination IS NULL OR s.status <> 'sent' OR s.content_hash <> r.content_hash)
        """;

    private const string NotPermittedSql = """
        INSERT INTO destination_patient (destination, patient_key, pending_since, queue_seq, permitted, reason, attempts) VALUES (@d, @p, NULL, 0, @no, @reason, 0)
        ON CONFLICT (destination, patient_key) DO UPDATE SET pending_since = NULL, permitted = excluded.permitted, reason = excluded.reason, attempts = 0
        """;

    private const string CountDeliveriesSql = """
        SELECT d.name,
            (SELECT COUNT(*) FROM destination_patient w WHERE w.destination = d.name AND w.pending_since IS NOT NULL),
            (SELECT COUNT(*) FROM destination_patient w WHERE w.destination = d.name AND NOT w.permitted),
            COUNT(s.status) FILTER (WHERE s.status = 'sent'), COUNT(s.status) FILTER (WHERE s.status = 'retry-later'),
            COUNT(s.status) FILTER (WHERE s.status = 'conflict'), COUNT(s.status) FILTER (WHERE s.status = 'rejected'),
            COUNT(s.status) FILTER (WHERE s.status = 'blocked'), COUNT(s.status) FILTER (WHERE s.status = 'withheld'),
            COUNT(s.status) FILTER (WHERE s.status = 'withdrawn')
        FROM (SELECT name FROM destination UNION SELECT destination FROM destination_patient UNION SELECT destination FROM destination_resource) d
        LEFT JOIN destination_resource s ON s.destination = d.name
        GROUP BY d.name ORDER BY d.name
        """;

    public Task<IReadOnlyList<DestinationBackfill>> RegisterDestinationsAsync(IReadOnlyList<DestinationRegistration> destinations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        foreach (var d in destinations)
        {
            ArgumentNullException.ThrowIfNull(d);
            ArgumentException.ThrowIfNullOrEmpty(d.Name);
            ArgumentException.ThrowIfNullOrEmpty(d.OrganizationId);
            ArgumentException.ThrowIfNullOrEmpty(d.BaseUrl);
        }

        return WriteAsync<IReadOnlyList<DestinationBackfill>>(async session =>
        {
            var now = Now();
            var backfills = new List<DestinationBackfill>();
            foreach (var d in destinations)
            {
                // Each statement changes the row only if this instance is the first to see the change: an instance that
                // waited for another's write sees the row as that one left it, and backfills nothing.
                var added = await session.ScalarAsync("""
                    INSERT INTO destination (name, organization_id, base_url, registered_at) VALUES (@n, @o, @u, @now)
                    ON CONFLICT (name) DO NOTHING RETURNING name
                    """, cancellationToken, ("@n", d.Name), ("@o", d.OrganizationId), ("@u", d.BaseUrl), ("@now", now)).ConfigureAwait(false) is not null;
                var adopted = !added && await session.ScalarAsync(
                    "UPDATE destination SET organization_id = @o, base_url = @u WHERE name = @n AND base_url IS NULL RETURNING name",
                    cancellationToken, ("@n", d.Name), ("@o", d.OrganizationId), ("@u", d.BaseUrl)).ConfigureAwait(false) is not null;
                var moved = !added && !adopted && await session.ScalarAsync(
                    "UPDATE destination SET organization_id = @o, base_url = @u WHERE name = @n AND base_url <> @u RETURNING name",
                    cancellationToken, ("@n", d.Name), ("@o", d.OrganizationId), ("@u", d.BaseUrl)).ConfigureAwait(false) is not null;
                var renamed = !added && !adopted && !moved && await session.ScalarAsync(
                    "UPDATE destination SET organization_id = @o WHERE name = @n AND organization_id <> @o RETURNING name",
                    cancellationToken, ("@n", d.Name), ("@o", d.OrganizationId)).ConfigureAwait(false) is not null;
                if (moved)
                {
                    // Another EHR at the new address: nothing of what the old one held is there.
                    await session.ExecAsync("DELETE FROM destination_resource WHERE destination = @d", cancellationToken, ("@d", d.Name)).ConfigureAwait(false);
                }

                if (added || moved || renamed)
                {
                    var queued = await session.ExecAsync(QueueAllSql, cancellationToken, ("@d", d.Name), ("@now", now)).ConfigureAwait(false);
                    backfills.Add(new DestinationBackfill(d.Name, queued, added ? "new" : moved ? "its BaseUrl changed" : "its OrganizationId changed"));
                }
            }

            return backfills;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryState>> GetDeliveryStatesAsync(string destination, string patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        return await QueryAsync($"{StateSelect} WHERE destination = @d AND patient_key = @p", ReadState, cancellationToken, ("@d", destination), ("@p", patientKey)).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<DeliveryState>> GetSharedDeliveryStatesAsync(string destination, CancellationToken cancellationToken) =>
        GetDeliveryStatesAsync(destination, StoreKeys.Shared, cancellationToken);

    public async Task<DeliveryState?> GetDeliveryAsync(string destination, string resourceType, string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(resourceType);
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return (await QueryAsync($"{StateSelect} WHERE destination = @d AND resource_type = @t AND identifier = @i", ReadState, cancellationToken,
            ("@d", destination), ("@t", resourceType), ("@i", identifier)).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<DeliveryState>> ListDeliveriesAsync(string destination, DeliveryStatus status, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await QueryAsync($"{StateSelect} WHERE destination = @d AND status = @s ORDER BY updated_at, resource_type, identifier LIMIT @n", ReadState, cancellationToken,
            ("@d", destination), ("@s", StoreValues.Code(status)), ("@n", limit)).ConfigureAwait(false);
    }

    public Task<DeliveryRecordResult> RecordDeliveryAsync(DeliveryReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(report.Destination);
        ArgumentException.ThrowIfNullOrEmpty(report.PatientKey);
        CheckOutcomes(report.Outcomes);
        if (report.Disclosure is { } disclosure)
        {
            ValidateDisclosure(disclosure);
        }

        return WriteAsync(async session =>
        {
            await LockPatientAsync(session, report.PatientKey, cancellationToken).ConfigureAwait(false);
            await CheckLeaseAsync(session, report.PatientKey, report.LeaseOwner, cancellationToken).ConfigureAwait(false);
            Fault("delivery.checked");
            var now = Now();
            await UpsertStatesAsync(session, report.Destination, report.PatientKey, report.Outcomes, now, cancellationToken).ConfigureAwait(false);
            Fault("delivery.outcome");
            if (report.Disclosure is { } d)
            {
                await InsertDisclosureAsync(session, d, now, cancellationToken).ConfigureAwait(false);
            }

            var waiting = report.Outcomes.Count(o => o.Kind is DeliveryStatus.RetryLater or DeliveryStatus.Conflict);
            var stillPending = await session.ScalarAsync(DeliveredSql, cancellationToken, ("@waiting", waiting > 0), ("@seq", report.QueueSequence), ("@now", now),
                ("@d", report.Destination), ("@p", report.PatientKey)).ConfigureAwait(false) is { } pending && Convert.ToBoolean(pending, System.Globalization.CultureInfo.InvariantCulture);
            return new DeliveryRecordResult(
                report.Outcomes.Count(o => o.Kind == DeliveryStatus.Sent), report.Outcomes.Count(o => o.Kind == DeliveryStatus.Rejected), waiting, stillPending);
        }, cancellationToken);
    }

    public Task RecordSharedDeliveryAsync(string destination, IReadOnlyList<DeliveryOutcome> outcomes, string? leaseOwner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        CheckOutcomes(outcomes);
        return WriteAsync(async session =>
        {
            await CheckLeaseAsync(session, StoreKeys.SharedResources(destination), leaseOwner, cancellationToken).ConfigureAwait(false);
            await UpsertStatesAsync(session, destination, StoreKeys.Shared, outcomes, Now(), cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    private static void CheckOutcomes(IReadOnlyList<DeliveryOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var outcome in outcomes)
        {
            ArgumentNullException.ThrowIfNull(outcome);
            ArgumentException.ThrowIfNullOrEmpty(outcome.ResourceType);
            ArgumentException.ThrowIfNullOrEmpty(outcome.Identifier);
            ArgumentException.ThrowIfNullOrEmpty(outcome.ContentHash);
            if (outcome.Kind == DeliveryStatus.Sent && (string.IsNullOrEmpty(outcome.ServerId) || string.IsNullOrEmpty(outcome.SentHash)))
            {
                throw new ArgumentException($"A sent {outcome.ResourceType} needs its server id and the hash of what was sent", nameof(outcomes));
            }
        }
    }

    private static async Task UpsertStatesAsync(
        SqlSession session, string destination, string patientKey, IReadOnlyList<DeliveryOutcome> outcomes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var o in outcomes)
        {
            var holds = o.Kind is DeliveryStatus.Sent;
            var taken = o.Kind is DeliveryStatus.Sent or DeliveryStatus.Withdrawn;
            await session.ExecAsync(UpsertStateSql, cancellationToken, ("@d", destination), ("@t", o.ResourceType), ("@i", o.Identifier), ("@p", patientKey),
                ("@s", StoreValues.Code(o.Kind)), ("@h", o.ContentHash), ("@sh", holds ? o.SentHash : null), ("@sid", o.ServerId), ("@sv", o.ServerVersion),
                ("@sentAt", taken ? now : null), ("@reason", o.Reason), ("@oo", o.OperationOutcomeJson), ("@now", now)).ConfigureAwait(false);
        }
    }

    public Task<int> CancelPendingAsync(string patientKey, string? destination, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return WriteAsync(async session =>
        {
            await LockPatientAsync(session, patientKey, cancellationToken).ConfigureAwait(false);
            var destinations = destination is not null ? [destination]
                : await session.QueryAsync("SELECT name FROM destination ORDER BY name", r => r.GetString(0), cancellationToken).ConfigureAwait(false);
            var cancelled = 0;
            foreach (var d in destinations)
            {
                // Work is cancelled where the patient was permitted when queued (a revocation or an expiry read since); a
                // patient queued by a backfill and found not permitted had no work of theirs to lose.
                if (await session.ScalarAsync("SELECT 1 FROM destination_patient WHERE destination = @d AND patient_key = @p AND pending_since IS NOT NULL AND permitted",
                    cancellationToken, ("@d", d), ("@p", patientKey)).ConfigureAwait(false) is not null)
                {
                    cancelled += Convert.ToInt32(await session.ScalarAsync(UndeliveredSql, cancellationToken, ("@d", d), ("@p", patientKey)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                }

                await session.ExecAsync(NotPermittedSql, cancellationToken, ("@d", d), ("@p", patientKey), ("@no", false), ("@reason", reason)).ConfigureAwait(false);
            }

            return cancelled;
        }, cancellationToken);
    }

    public Task<int> ResendAsync(string destination, string? patientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return WriteAsync(async session =>
        {
            var now = Now();
            if (patientKey is null)
            {
                await session.ExecAsync("DELETE FROM destination_resource WHERE destination = @d", cancellationToken, ("@d", destination)).ConfigureAwait(false);
                return await session.ExecAsync(QueueAllSql, cancellationToken, ("@d", destination), ("@now", now)).ConfigureAwait(false);
            }

            await LockPatientAsync(session, patientKey, cancellationToken).ConfigureAwait(false);
            if (await session.ScalarAsync("SELECT 1 FROM patient_resource WHERE patient_key = @p AND removed_at IS NULL LIMIT 1", cancellationToken, ("@p", patientKey)).ConfigureAwait(false) is null)
            {
                return 0;
            }

            // The shared resources it refers to are written again too (by their identifiers): the EHR may have lost them as well.
            await session.ExecAsync("DELETE FROM destination_resource WHERE destination = @d AND (patient_key = @p OR patient_key = @s)", cancellationToken,
                ("@d", destination), ("@p", patientKey), ("@s", StoreKeys.Shared)).ConfigureAwait(false);
            return await session.ExecAsync(QueueOneSql, cancellationToken, ("@d", destination), ("@p", patientKey), ("@now", now)).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// A mapping's delivery work: queued at each permitted destination when it changed anything (or the patient was not
    /// queued there as permitted before); not permitted where the consent says so; and held back (pending cleared) at
    /// every other registered destination, as while a resource fails validation. Returns (queued, cancelled) destinations.
    /// </summary>
    private async Task<(int Queued, int Cancelled)> QueueMappingAsync(
        SqlSession session, string patientKey, string[] permitted, IReadOnlyDictionary<string, string> notPermitted, bool changed, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var queued = 0;
        foreach (var d in permitted)
        {
            queued += await session.ExecAsync("""
                INSERT INTO destination_patient (destination, patient_key, pending_since, queue_seq, permitted, reason, attempts) VALUES (@d, @p, @now, 1, @yes, NULL, 0)
                ON CONFLICT (destination, patient_key) DO UPDATE SET
                    pending_since = COALESCE(destination_patient.pending_since, excluded.pending_since), queue_seq = destination_patient.queue_seq + 1,
                    permitted = excluded.permitted, reason = NULL
                WHERE @changed OR destination_patient.permitted IS NOT TRUE OR destination_patient.reason IS NOT NULL
                """, cancellationToken, ("@d", d), ("@p", patientKey), ("@now", now), ("@yes", true), ("@changed", changed)).ConfigureAwait(false);
        }

        var cancelled = 0;
        foreach (var (d, reason) in notPermitted)
        {
            cancelled += await session.ExecAsync(NotPermittedSql, cancellationToken, ("@d", d), ("@p", patientKey), ("@no", false), ("@reason", reason)).ConfigureAwait(false);
        }

        cancelled += await session.ExecAsync(_holdBackSql, cancellationToken, ("@p", patientKey), ("@keep", permitted.Concat(notPermitted.Keys).ToArray()),
            ("@reason", "held back until every resource of the patient validates")).ConfigureAwait(false);
        return (queued, cancelled);
    }

    private readonly string _holdBackSql =
        $"UPDATE destination_patient SET pending_since = NULL, reason = @reason WHERE patient_key = @p AND pending_since IS NOT NULL AND destination NOT IN ({dialect.InList("@keep")})";

    public async Task<IReadOnlyList<DeliveryCounts>> CountDeliveriesAsync(CancellationToken cancellationToken) => await QueryAsync(CountDeliveriesSql, ReadCounts, cancellationToken).ConfigureAwait(false);

    private static DeliveryCounts ReadCounts(DbDataReader r) => new(
        r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9));

    private DeliveryState ReadState(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), StoreValues.Parse<DeliveryStatus>(r.GetString(4)),
        r.GetString(5), r.NullableString(6), r.GetInt32(7), r.NullableString(8), r.NullableString(9), NullableTime(r, 10), r.NullableString(11), r.NullableString(12), Time(r, 13));
}
