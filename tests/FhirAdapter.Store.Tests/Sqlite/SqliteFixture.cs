using FhirAdapter.Store.Sql;
using FhirAdapter.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Store.Tests.Sqlite;

/// <summary>A temporary directory per test class, a new database file per test.</summary>
public sealed class SqliteFixture : IStoreFixture, IDisposable
{
    private int _next;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "fhiradapter-store-tests", Guid.NewGuid().ToString("N"));

    public IAdapterStore Create(TimeProvider time, StoreOptions? options = null)
    {
        var file = Path.Combine(Directory, $"store-{Interlocked.Increment(ref _next)}.db");
        options ??= new StoreOptions();
        options.ConnectionString = $"Data Source={file}";
        return AdapterStores.Create(options, time);
    }

    public IAdapterStore Reopen(IAdapterStore store, TimeProvider time) =>
        AdapterStores.Create(new StoreOptions { ConnectionString = $"Data Source={((SqliteDialect)((SqlAdapterStore)store).Dialect).DataSource}" }, time);

    public void InjectFault(IAdapterStore store, Action<string>? fault) => ((SqlAdapterStore)store).FaultInjector = fault;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
