using FhirAdapter.Store.Tests.Contracts;

namespace FhirAdapter.Store.Tests.Sqlite;

// The contracts, run against SQLite. A new provider adds its fixture and these same lines.
public sealed class SqliteRecordStoreTests(SqliteFixture f) : RecordStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqlitePatientStoreTests(SqliteFixture f) : PatientStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteDeliveryStoreTests(SqliteFixture f) : DeliveryStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteQuarantineStoreTests(SqliteFixture f) : QuarantineStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteSyncRunStoreTests(SqliteFixture f) : SyncRunStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteDisclosureStoreTests(SqliteFixture f) : DisclosureStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteLeaseStoreTests(SqliteFixture f) : LeaseStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteMigrationTests(SqliteFixture f) : MigrationContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteAtomicityTests(SqliteFixture f) : AtomicityContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteApiStateStoreTests(SqliteFixture f) : ApiStateStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;

public sealed class SqliteOperationsStoreTests(SqliteFixture f) : OperationsStoreContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;
