using System.Collections.Concurrent;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Leases;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Postgres;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Postgres;

/// <summary>What is particular to PostgreSQL: several instances on one database, as scale-out runs them.</summary>
[RequiresPostgres]
public sealed class PostgresStoreTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = new StoreOptions().LeaseDuration;

    private static CancellationToken Ct => CancellationToken.None;

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static string As(string connectionString, string applicationName) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName }.ConnectionString;

    [Fact]
    public async Task Several_instances_migrating_at_once_apply_each_script_once()
    {
        var schema = fixture.NewSchema();
        var stores = Enumerable.Range(0, 6).Select(_ => fixture.Open(schema, TimeProvider.System)).ToList();

        var versions = await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct))));

        Assert.Equal(PostgresDialect.Scripts[^1].Version, Assert.Single(versions.Distinct()));
        Assert.Equal((long)PostgresDialect.Scripts.Count, await ScalarAsync(schema, "SELECT COUNT(*) FROM schema_version"));
        // Every issue's reserved number has landed: 1..N, no gap, no repeat.
        var numbers = PostgresDialect.Scripts.Select(s => s.Version).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
    }

    [Fact]
    public async Task A_migration_waits_for_the_instance_that_holds_the_migration_lock()
    {
        var schema = fixture.NewSchema();
        await using var other = new NpgsqlConnection(schema);
        await other.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresDialect.LockClass}, hashtext(current_schema()))", other))
        {
            await take.ExecuteNonQueryAsync();
        }

        var migrating = fixture.Open(schema, TimeProvider.System).MigrateAsync(Ct);
        await Task.Delay(500);
        Assert.False(migrating.IsCompleted);

        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgresDialect.LockClass}, hashtext(current_schema()))", other))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.True(await migrating.WaitAsync(TimeSpan.FromSeconds(30)) >= 1);
    }

    [Fact]
    public async Task A_search_path_without_a_schema_fails_with_a_message_naming_the_key()
    {
        var missing = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { SearchPath = "no_such_schema" }.ConnectionString;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Open(missing, TimeProvider.System).MigrateAsync(Ct));
        Assert.Contains("Adapter:Store:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Four_workers_map_and_deliver_every_patient_once_and_never_hold_one_patient_together()
    {
        var schema = fixture.NewSchema();
        var setup = fixture.Open(schema, TimeProvider.System);
        var keys = Enumerable.Range(0, 120).Select(i => $"p-{i:D4}").ToArray();
        foreach (var key in keys)
        {
            await setup.MarkDirtyAsync(key, Ct);
        }

        var workers = Enumerable.Range(0, 4).Select(i => (Name: $"w{i}", Store: fixture.Open(schema, TimeProvider.System))).ToList();
        var held = new ConcurrentDictionary<string, string>();
        var overlaps = new ConcurrentBag<string>();
        var mapped = new ConcurrentBag<(string Worker, string Key)>();
        var delivered = new ConcurrentBag<(string Worker, string Key)>();

        async Task WorkAsync(string name, Func<Task<IReadOnlyList<PatientLease>>> claim, Func<PatientLease, Task> work, ConcurrentBag<(string, string)> done, IAdapterStore store)
        {
            IReadOnlyList<PatientLease> batch;
            while ((batch = await claim()).Count > 0)
            {
                foreach (var lease in batch)
                {
                    if (!held.TryAdd(lease.PatientKey, name))
                    {
                        overlaps.Add(lease.PatientKey);
                    }

                    await Task.Yield();
                    await work(lease);
                    done.Add((name, lease.PatientKey));
                    held.TryRemove(lease.PatientKey, out _);
                }

                await store.ReleaseAsync(name, [.. batch.Select(l => l.PatientKey)], Ct);
            }
        }

        await Task.WhenAll(workers.Select(w => Task.Run(() => WorkAsync(w.Name,
            () => w.Store.ClaimDirtyPatientsAsync(w.Name, 5, Ct),
            lease => w.Store.SavePatientMappingAsync(
                new(lease.PatientKey, lease.Generation, [Resource("Patient", lease.PatientKey, Json("Patient", lease.PatientKey))], [], ["ehr"]) { LeaseOwner = w.Name }, Ct),
            mapped, w.Store))));

        await Task.WhenAll(workers.Select(w => Task.Run(() => WorkAsync(w.Name,
            () => w.Store.ClaimPendingPatientsAsync(w.Name, "ehr", 5, Ct),
            async lease =>
            {
                var resources = await w.Store.GetResourcesAsync(lease.PatientKey, Ct);
                await w.Store.RecordDeliveryAsync(new DeliveryReport("ehr", lease.PatientKey,
                    [.. resources.Select(p => new DeliveryOutcome(p.ResourceType, p.Identifier, p.ContentHash, DeliveryStatus.Sent, "s", $"srv-{lease.PatientKey}"))])
                {
                    LeaseOwner = w.Name,
                    QueueSequence = lease.Generation,
                }, Ct);
            },
            delivered, w.Store))));

        Assert.Empty(overlaps);
        Assert.Equal(keys, mapped.Select(m => m.Key).Order(StringComparer.Ordinal));
        Assert.Equal(keys, delivered.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.True(mapped.Select(m => m.Worker).Distinct().Count() > 1, "the work was shared");
        Assert.Empty(await setup.GetDirtyPatientsAsync(10, Ct));
        Assert.Equal([new DeliveryCounts("ehr", 0, 0, Sent: keys.Length, 0, 0, 0, 0, 0, 0)], await setup.CountDeliveriesAsync(Ct));
        Assert.Equal(1, (await setup.GetDeliveryAsync("ehr", "Patient", $"https://fhir.kwc.example/sid/record|{keys[7]}", Ct))!.Attempts);
    }

    /// <summary>
    /// The race behind a patient delivered twice by two workers: b's claim reads the queue as it was when its statement
    /// began, then a claims the patient, records its delivery and releases it, and only then does b's claim reach the
    /// patient's rows. b must read the queue row again (it is no longer pending) rather than take the patient on its
    /// stale read. The interleaving is forced: b connects as a role of its own, whose reads of destination_patient pass a
    /// row policy that waits for an advisory lock the test holds, so b's statement stops after its snapshot and before
    /// it locks any row.
    /// </summary>
    [Fact]
    public async Task A_claim_whose_snapshot_predates_a_recorded_delivery_does_not_take_the_delivered_patient_again()
    {
        var schema = fixture.NewSchema();
        var a = fixture.Open(schema, TimeProvider.System);
        await a.SavePatientMappingAsync(new("p-1", 0, [Resource("Patient", "1", Json("Patient", "1"))], [], ["ehr"]), Ct);
        var searchPath = new NpgsqlConnectionStringBuilder(schema).SearchPath;
        var role = $"claimer_{Guid.NewGuid():N}"[..24];
        var gate = Random.Shared.NextInt64(1L << 40, 1L << 50);
        await ExecAsync(schema, $"""
            CREATE ROLE {role} LOGIN;
            GRANT ALL ON SCHEMA {searchPath} TO {role};
            GRANT ALL ON ALL TABLES IN SCHEMA {searchPath} TO {role};
            GRANT ALL ON ALL SEQUENCES IN SCHEMA {searchPath} TO {role};
            CREATE FUNCTION claim_gate() RETURNS boolean LANGUAGE plpgsql AS $$
                BEGIN PERFORM pg_advisory_lock_shared({gate}); PERFORM pg_advisory_unlock_shared({gate}); RETURN true; END $$;
            ALTER TABLE destination_patient ENABLE ROW LEVEL SECURITY;
            CREATE POLICY claim_gate ON destination_patient USING (claim_gate());
            """);
        var b = fixture.Open(new NpgsqlConnectionStringBuilder(schema) { Username = role }.ConnectionString, TimeProvider.System);
        try
        {
            await b.MigrateAsync(Ct);
            await using var holder = new NpgsqlConnection(schema);
            await holder.OpenAsync();
            await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({gate})", holder))
            {
                await hold.ExecuteNonQueryAsync();
            }

            var claiming = Task.Run(() => b.ClaimPendingPatientsAsync("b", "ehr", 10, Ct));
            var waiting = $"SELECT COUNT(*) FROM pg_locks k JOIN pg_stat_activity s ON s.pid = k.pid WHERE k.locktype = 'advisory' AND NOT k.granted AND s.usename = '{role}'";
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((long)(await ScalarAsync(schema, waiting))! == 0 && DateTime.UtcNow < deadline && !claiming.IsCompleted)
            {
                await Task.Delay(20);
            }

            Assert.False(claiming.IsCompleted, "b's claim did not stop inside its statement");
            Assert.Equal(1L, await ScalarAsync(schema, waiting));

            // Meanwhile a delivers the patient: claims it, records what the destination took, releases it.
            var lease = Assert.Single(await a.ClaimPendingPatientsAsync("a", "ehr", 10, Ct));
            var sent = Assert.Single(await a.GetResourcesAsync("p-1", Ct));
            var recorded = await a.RecordDeliveryAsync(new("ehr", "p-1", [new(sent.ResourceType, sent.Identifier, sent.ContentHash, DeliveryStatus.Sent, "s1", "srv-1", "1")])
            {
                LeaseOwner = "a",
                QueueSequence = lease.Generation,
            }, Ct);
            Assert.False(recorded.StillPending);
            await a.ReleaseAsync("a", ["p-1"], Ct);

            await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({gate})", holder))
            {
                await release.ExecuteNonQueryAsync();
            }

            Assert.Empty(await claiming.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(1, (await a.GetDeliveryAsync("ehr", sent.ResourceType, sent.Identifier, Ct))!.Attempts);
        }
        finally
        {
            b.Dispose();
            await ExecAsync(schema, $"DROP POLICY claim_gate ON destination_patient; DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_claim_skips_a_patient_another_worker_has_locked_instead_of_waiting()
    {
        var schema = fixture.NewSchema();
        var store = fixture.Open(schema, TimeProvider.System);
        await store.MarkDirtyAsync("p-1", Ct);
        await store.MarkDirtyAsync("p-2", Ct);
        await using var other = new NpgsqlConnection(schema);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM patient WHERE patient_key = 'p-1' FOR UPDATE", other, transaction))
        {
            await lockRow.ExecuteNonQueryAsync();
        }

        var claimed = await store.ClaimDirtyPatientsAsync("b", 10, Ct).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["p-2"], claimed.Select(l => l.PatientKey));
        await transaction.RollbackAsync();
        Assert.Equal(["p-1"], (await store.ClaimDirtyPatientsAsync("c", 10, Ct)).Select(l => l.PatientKey));
    }

    [Fact]
    public async Task A_crashed_workers_patients_are_taken_over_after_the_lease_expires_and_its_unfinished_unit_left_nothing()
    {
        var schema = fixture.NewSchema();
        var time = new FakeTimeProvider(Start);
        var a = fixture.Open(As(schema, "worker-a"), time);
        var b = fixture.Open(As(schema, "worker-b"), time);
        var keys = Enumerable.Range(0, 10).Select(i => $"p-{i:D2}").ToArray();
        foreach (var key in keys)
        {
            await a.MarkDirtyAsync(key, Ct);
        }

        var leases = await a.ClaimDirtyPatientsAsync("a", 10, Ct);
        Assert.Equal(keys, leases.Select(l => l.PatientKey));

        // Worker a dies in the middle of storing a mapping: its session ends, its transaction with it.
        using var inside = new ManualResetEventSlim();
        using var never = new ManualResetEventSlim();
        a.FaultInjector = point =>
        {
            if (point == "mapping.resources")
            {
                inside.Set();
                never.Wait(TimeSpan.FromSeconds(30));
            }
        };
        var saving = Task.Run(() => a.SavePatientMappingAsync(new(keys[0], leases[0].Generation, [Resource("Patient", "0", Json("Patient", "0"))], [], ["ehr"]) { LeaseOwner = "a" }, Ct));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal(true, await ScalarAsync(schema, "SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'worker-a'"));
        never.Set();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => saving);
        Assert.Empty(await b.GetResourcesAsync(keys[0], Ct));

        // Until the leases expire, nobody else takes a's patients; then b takes all of them over.
        time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await b.ClaimDirtyPatientsAsync("b", 20, Ct));
        time.Advance(TimeSpan.FromSeconds(2));
        var taken = await b.ClaimDirtyPatientsAsync("b", 20, Ct);
        Assert.Equal(keys, taken.Select(l => l.PatientKey));

        foreach (var lease in taken)
        {
            await b.SavePatientMappingAsync(new(lease.PatientKey, lease.Generation, [Resource("Patient", lease.PatientKey, Json("Patient", lease.PatientKey))], [], ["ehr"]) { LeaseOwner = "b" }, Ct);
        }

        // Worker a, restarted under its old name, can no longer write what it had claimed.
        var restarted = fixture.Open(schema, time);
        await Assert.ThrowsAsync<LeaseLostException>(() => restarted.SavePatientMappingAsync(
            new(keys[1], leases[1].Generation, [Resource("Patient", "stale", Json("Patient", "stale"))], [], ["ehr"]) { LeaseOwner = "a" }, Ct));
        Assert.Empty(await restarted.GetDirtyPatientsAsync(20, Ct));
        Assert.Equal([new DeliveryCounts("ehr", PendingPatients: keys.Length, 0, 0, 0, 0, 0, 0, 0, 0)], await restarted.CountDeliveriesAsync(Ct));
        Assert.Equal(keys[1], Assert.Single(await restarted.GetResourcesAsync(keys[1], Ct)).Identifier.Split('|')[1]);
    }

    [Fact]
    public async Task A_remap_waits_for_a_delivery_of_the_same_patient_so_the_patient_stays_pending_for_its_newer_version()
    {
        var schema = fixture.NewSchema();
        var delivering = fixture.Open(schema, TimeProvider.System);
        var mapping = fixture.Open(schema, TimeProvider.System);
        await mapping.SavePatientMappingAsync(new("p-1", 0, [Resource("Encounter", "e", Json("Encounter", "e", "v1"))], [], ["ehr"]), Ct);
        var lease = Assert.Single(await delivering.ClaimPendingPatientsAsync("d", "ehr", 10, Ct));
        var sent = Assert.Single(await delivering.GetResourcesAsync("p-1", Ct));

        using var inside = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        delivering.FaultInjector = point =>
        {
            // Between reading the resource's current version and writing the outcome: the window a remap must not enter.
            if (point == "delivery.checked")
            {
                inside.Set();
                proceed.Wait(TimeSpan.FromSeconds(30));
            }
        };
        var recording = Task.Run(() => delivering.RecordDeliveryAsync(
            new("ehr", "p-1", [new(sent.ResourceType, sent.Identifier, sent.ContentHash, DeliveryStatus.Sent, "s1", "srv-1", "1")]) { QueueSequence = lease.Generation }, Ct));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));
        var remapping = Task.Run(() => mapping.SavePatientMappingAsync(new("p-1", 0, [Resource("Encounter", "e", Json("Encounter", "e", "v2"))], [], ["ehr"]), Ct));
        await Task.Delay(300);
        Assert.False(remapping.IsCompleted); // it waits for the patient's row, locked by the delivery

        proceed.Set();
        var recorded = await recording;
        Assert.Equal((1, false), (recorded.Sent, recorded.StillPending));
        Assert.Equal(1, (await remapping).Queued);
        var state = await mapping.GetDeliveryAsync("ehr", "Encounter", sent.Identifier, Ct);
        Assert.Equal((DeliveryStatus.Sent, "srv-1", "s1"), (state!.Status, state.ServerId, state.SentHash)); // what the destination holds: v1
        await delivering.ReleaseAsync("d", ["p-1"], Ct);
        Assert.Equal("p-1", Assert.Single(await mapping.ClaimPendingPatientsAsync("m", "ehr", 10, Ct)).PatientKey); // v2 still to go
    }

    [Fact]
    public async Task An_expired_lease_cannot_be_taken_over_while_its_owners_unit_is_being_stored()
    {
        var schema = fixture.NewSchema();
        var time = new FakeTimeProvider(Start);
        var a = fixture.Open(schema, time);
        var b = fixture.Open(schema, time);
        var generation = await a.MarkDirtyAsync("p-1", Ct);
        Assert.NotNull(await a.TryClaimPatientAsync("a", "p-1", Ct));
        time.Advance(Lease + TimeSpan.FromSeconds(1)); // a is slow: its lease has expired, but nobody took it yet

        using var inside = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        a.FaultInjector = point =>
        {
            if (point == "mapping.resources")
            {
                inside.Set();
                proceed.Wait(TimeSpan.FromSeconds(30));
            }
        };
        var saving = Task.Run(() => a.SavePatientMappingAsync(new("p-1", generation, [Resource("Patient", "1", Json("Patient", "1"))], [], ["ehr"]) { LeaseOwner = "a" }, Ct));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));
        var takeover = Task.Run(() => b.TryClaimPatientAsync("b", "p-1", Ct));
        await Task.Delay(300);
        Assert.False(takeover.IsCompleted); // the lease row is locked until a's unit commits

        proceed.Set();
        Assert.False((await saving).StillDirty);
        Assert.Equal("b", (await takeover)!.Owner);
        await Assert.ThrowsAsync<LeaseLostException>(() => a.SavePatientMappingAsync(new("p-1", generation, [], [], []) { LeaseOwner = "a" }, Ct));
    }

    [Fact]
    public async Task Instances_ingesting_the_same_file_at_once_store_each_version_once()
    {
        var schema = fixture.NewSchema();
        var instances = Enumerable.Range(0, 4).Select(_ => fixture.Open(schema, TimeProvider.System)).ToList();
        await instances[0].MigrateAsync(Ct);
        var intake = Intake();
        var batch = Batch(intake, SessionOf(intake), ConsentOf(intake), FormOf(intake));

        var results = await Task.WhenAll(instances.Select(s => Task.Run(() => s.IngestAsync(batch, Ct))));

        Assert.Single(results, r => r.Arrivals.All(a => a.Outcome == Core.Reading.VersionOutcome.New));
        Assert.Equal(3, results.Count(r => r.Arrivals.All(a => a.Outcome == Core.Reading.VersionOutcome.Repeat)));
        Assert.Equal(new Records.RecordOutcomeCounts(Current: 4, New: 4, Superseded: 0, Repeats: 12, Stale: 0, Conflicts: 0), await instances[0].CountRecordOutcomesAsync(Ct));
        Assert.Equal(4, Assert.Single(await instances[1].GetRecordVersionsAsync(intake.Kind, intake.RecordId, Ct)).Arrivals);
    }

    [Fact]
    public async Task Each_tick_is_claimed_by_exactly_one_of_several_instances()
    {
        var schema = fixture.NewSchema();
        var instances = Enumerable.Range(0, 5).Select(_ => fixture.Open(schema, TimeProvider.System)).ToList();
        await instances[0].MigrateAsync(Ct);

        for (var minute = 0; minute < 15; minute++)
        {
            var tick = Start.AddMinutes(minute);
            var winners = await Task.WhenAll(instances.Select((s, i) => Task.Run(() => s.TryClaimTickAsync("inbox-scan", tick, $"i{i}", Ct))));
            Assert.Single(winners, won => won);
        }

        Assert.False(await instances[0].TryClaimTickAsync("inbox-scan", Start, "late", Ct));
    }
}
