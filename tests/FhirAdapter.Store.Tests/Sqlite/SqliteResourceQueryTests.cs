using FhirAdapter.Store.Tests.Contracts;

namespace FhirAdapter.Store.Tests.Sqlite;

// Cross-patient search (IResourceQuery) against SQLite; a new provider adds the same line with its fixture.
public sealed class SqliteResourceQueryTests(SqliteFixture f) : ResourceQueryContract<SqliteFixture>(f), IClassFixture<SqliteFixture>;
