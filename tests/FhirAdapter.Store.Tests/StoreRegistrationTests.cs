using FhirAdapter.Store.Sql;
using FhirAdapter.Store.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Store.Tests;

public sealed class StoreRegistrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fhiradapter-store-tests", Guid.NewGuid().ToString("N"));

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddAdapterStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    [Fact]
    public void Defaults_to_sqlite_under_data()
    {
        var options = new StoreOptions();
        Assert.Equal(("Sqlite", "Data Source=data/fhiradapter.db", TimeSpan.FromMinutes(2)), (options.Provider, options.ConnectionString, options.LeaseDuration));
        Assert.True(new StoreOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task Registers_one_store_for_every_facet_and_creates_its_folder()
    {
        var file = Path.Combine(_directory, "data", "fhiradapter.db");
        await using var services = Build(new() { ["Adapter:Store:Provider"] = "sqlite", ["Adapter:Store:ConnectionString"] = $"Data Source={file}" });

        var store = services.GetRequiredService<IAdapterStore>();
        Assert.IsType<SqliteDialect>(Assert.IsType<SqlAdapterStore>(store).Dialect);
        Assert.Same(store, services.GetRequiredService<IRecordStore>());
        Assert.Same(store, services.GetRequiredService<IPatientStore>());
        Assert.Same(store, services.GetRequiredService<IDeliveryStore>());
        Assert.Same(store, services.GetRequiredService<IQuarantineStore>());
        Assert.Same(store, services.GetRequiredService<ISyncRunStore>());
        Assert.Same(store, services.GetRequiredService<IDisclosureStore>());
        Assert.Same(store, services.GetRequiredService<ILeaseStore>());
        Assert.Same(store, services.GetRequiredService<FhirAdapter.Store.Search.IResourceQuery>());
        await store.MigrateAsync(CancellationToken.None);
        Assert.True(File.Exists(file));
    }

    [Fact]
    public void Rejects_bad_settings_naming_each_key()
    {
        using var services = Build(new()
        {
            ["Adapter:Store:Provider"] = "Oracle",
            ["Adapter:Store:ConnectionString"] = " ",
            ["Adapter:Store:LeaseDuration"] = "00:00:01",
            ["Adapter:Store:BusyTimeout"] = "01:00:00",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IAdapterStore>());
        Assert.Contains("Adapter:Store:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("Adapter:Store:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("Adapter:Store:LeaseDuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("Adapter:Store:BusyTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Creates_a_store_without_a_host_and_refuses_invalid_options()
    {
        Assert.Equal("Sqlite", AdapterStores.Create(new StoreOptions { ConnectionString = $"Data Source={Path.Combine(_directory, "x.db")}" }).Provider);
        Assert.Throws<OptionsValidationException>(() => AdapterStores.Create(new StoreOptions { Provider = "Postgres" }));
        Assert.Throws<OptionsValidationException>(() => AdapterStores.Create(new StoreOptions { ConnectionString = "Data Source=:memory:" }));
        Assert.Throws<OptionsValidationException>(() => AdapterStores.Create(new StoreOptions { ConnectionString = "Nonsense=1" }));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
