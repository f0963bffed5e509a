using System.Collections.Concurrent;
using FhirAdapter.Store.Postgres;
using FhirAdapter.Store.Sql;
using Npgsql;

namespace FhirAdapter.Store.Tests.Postgres;

/// <summary>
/// A new schema per store it creates (so per test), in the test database of <see cref="TestPostgres"/>; every
/// schema and connection pool is dropped when the test class ends.
/// </summary>
public sealed class PostgresFixture : IStoreFixture, IDisposable
{
    private readonly ConcurrentBag<string> _schemas = [];
    private readonly ConcurrentBag<SqlAdapterStore> _stores = [];

    /// <summary>A new, empty schema and the connection string that works in it.</summary>
    public string NewSchema()
    {
        var (schema, connectionString) = TestPostgres.NewSchema();
        _schemas.Add(schema);
        return connectionString;
    }

    public IAdapterStore Create(TimeProvider time, StoreOptions? options = null)
    {
        options ??= new StoreOptions();
        options.Provider = StoreOptions.PostgresProvider;
        options.ConnectionString = NewSchema();
        return Track(AdapterStores.Create(options, time));
    }

    /// <summary>A store on an existing schema's connection string (another worker).</summary>
    internal SqlAdapterStore Open(string connectionString, TimeProvider time, TimeSpan? leaseDuration = null) =>
        Track(AdapterStores.Create(
            new StoreOptions { Provider = StoreOptions.PostgresProvider, ConnectionString = connectionString, LeaseDuration = leaseDuration ?? new StoreOptions().LeaseDuration },
            time));

    public IAdapterStore Reopen(IAdapterStore store, TimeProvider time) => Open(((PostgresDialect)((SqlAdapterStore)store).Dialect).ConnectionString, time);

    public void InjectFault(IAdapterStore store, Action<string>? fault) => ((SqlAdapterStore)store).FaultInjector = fault;

    private SqlAdapterStore Track(IAdapterStore store)
    {
        var sql = (SqlAdapterStore)store;
        _stores.Add(sql);
        return sql;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        foreach (var schema in _schemas)
        {
            TestPostgres.DropSchema(schema);
        }
    }
}
