using FhirAdapter.Store.Sql;
using FhirAdapter.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirAdapter.Store.Tests.Sqlite;

/// <summary>What is particular to SQLite: the file, WAL, and the folder it lives in.</summary>
public sealed class SqliteStoreTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Creates_the_data_folder_and_uses_wal_mode_with_a_schema_version_row_per_migration()
    {
        var file = Path.Combine(fixture.Directory, "nested", "deeper", "adapter.db");
        var options = new StoreOptions { ConnectionString = $"Data Source={file}" };
        var store = AdapterStores.Create(options);

        var version = await store.MigrateAsync(CancellationToken.None);
        await store.MigrateAsync(CancellationToken.None);

        Assert.True(File.Exists(file));
        var dialect = new SqliteDialect(options, NullLogger.Instance);
        await using var connection = new SqlSession(await dialect.OpenAsync(CancellationToken.None), dialect);
        Assert.Equal("wal", await connection.ScalarAsync("PRAGMA journal_mode", CancellationToken.None));
        Assert.Equal((long)SqliteDialect.Scripts.Count, await connection.ScalarAsync("SELECT COUNT(*) FROM schema_version", CancellationToken.None));
        Assert.Equal((long)version, await connection.ScalarAsync("SELECT MAX(version) FROM schema_version", CancellationToken.None));
    }

    [Fact]
    public async Task A_starting_instance_opens_the_store_and_checks_its_validations_while_another_holds_the_write_lock()
    {
        var file = Path.Combine(fixture.Directory, "held.db");
        var options = new StoreOptions { ConnectionString = $"Data Source={file}", BusyTimeout = TimeSpan.FromSeconds(1) };
        await AdapterStores.Create(options).MigrateAsync(CancellationToken.None);
        // A long unit of work of another instance or command: SQLite's one write lock, held until the end of the test.
        await using var other = new SqliteConnection($"Data Source={file}");
        await other.OpenAsync();
        using var held = other.BeginTransaction(deferred: false);

        var starting = AdapterStores.Create(options);
        var version = await starting.MigrateAsync(CancellationToken.None); // what /health/ready asks
        var marked = await starting.MarkValidatedElsewhereAsync("fingerprint-of-this-build", CancellationToken.None); // the check at every start

        Assert.Equal(SqliteDialect.Scripts[^1].Version, version);
        Assert.Equal(0, marked);
    }

    [Fact]
    public async Task A_new_validator_marks_every_patient_it_did_not_judge_in_several_short_writes()
    {
        var store = fixture.Create(TimeProvider.System);
        for (var i = 0; i < 501; i++) // more than one write's worth (500 patients each)
        {
            var resource = TestRecords.Resource("Patient", $"b{i}", TestRecords.Json("Patient", $"b{i}"));
            await store.SavePatientMappingAsync(new($"p-{i:D3}", 0, [resource with { Validation = resource.Validation with { ValidatedWith = "fp-old" } }], [], []), CancellationToken.None);
        }

        var marked = await store.MarkValidatedElsewhereAsync("fp-new", CancellationToken.None);

        Assert.Equal(501, marked);
        var dirty = (await store.GetDirtyPatientsAsync(1000, CancellationToken.None)).Select(p => p.PatientKey).ToList();
        Assert.Equal(501, dirty.Count);
        Assert.Contains("p-000", dirty);
        Assert.Contains("p-500", dirty);
    }

    [Fact]
    public void Migrations_are_numbered_in_order_from_one()
    {
        // Every issue's reserved number has landed: 1..N, no gap, no repeat.
        var versions = SqliteDialect.Scripts.Select(s => s.Version).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }
}
