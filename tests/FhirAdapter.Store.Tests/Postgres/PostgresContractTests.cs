using FhirAdapter.Store.Tests.Contracts;

namespace FhirAdapter.Store.Tests.Postgres;

// The contracts, run against PostgreSQL: the same lines as Sqlite/SqliteContractTests.cs.
[RequiresPostgres]
public sealed class PostgresRecordStoreTests(PostgresFixture f) : RecordStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresPatientStoreTests(PostgresFixture f) : PatientStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresDeliveryStoreTests(PostgresFixture f) : DeliveryStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresQuarantineStoreTests(PostgresFixture f) : QuarantineStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresSyncRunStoreTests(PostgresFixture f) : SyncRunStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresDisclosureStoreTests(PostgresFixture f) : DisclosureStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresLeaseStoreTests(PostgresFixture f) : LeaseStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresMigrationTests(PostgresFixture f) : MigrationContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresAtomicityTests(PostgresFixture f) : AtomicityContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresResourceQueryTests(PostgresFixture f) : ResourceQueryContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresApiStateStoreTests(PostgresFixture f) : ApiStateStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;

[RequiresPostgres]
public sealed class PostgresOperationsStoreTests(PostgresFixture f) : OperationsStoreContract<PostgresFixture>(f), IClassFixture<PostgresFixture>;
