using FhirAdapter.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

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
        return new SqliteAdapterStore(options, time, NullLogger<SqliteAdapterStore>.Instance);
    }

    public IAdapterStore Reopen(IAdapterStore store, TimeProvider time) =>
        new SqliteAdapterStore(new StoreOptions { ConnectionString = $"Data Source={((SqliteAdapterStore)store).DataSource}" }, time, NullLogger<SqliteAdapterStore>.Instance);

    public void InjectFault(IAdapterStore store, Action<string>? fault) => ((SqliteAdapterStore)store).FaultInjector = fault;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
