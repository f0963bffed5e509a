using FhirAdapter.Store.Postgres;
using FhirAdapter.Store.Sql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Store.Tests;

/// <summary>Choosing PostgreSQL by configuration; none of this needs a server.</summary>
public sealed class PostgresOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddAdapterStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    [Fact]
    public async Task Postgres_is_chosen_by_the_provider_key_with_its_connection_string()
    {
        await using var services = Build(new() { ["Adapter:Store:Provider"] = "postgres", ["Adapter:Store:ConnectionString"] = "Host=127.0.0.1;Database=fhiradapter;Username=worker" });

        var store = services.GetRequiredService<IAdapterStore>();

        Assert.IsType<PostgresDialect>(Assert.IsType<SqlAdapterStore>(store).Dialect);
        Assert.Equal("Postgres", store.Provider);
        Assert.Same(store, services.GetRequiredService<ILeaseStore>());
    }

    [Theory]
    [InlineData("Data Source=data/fhiradapter.db")]
    [InlineData("Database=fhiradapter;Password=hunter2")]
    [InlineData("Host=db;Password=hunter2;Nonsense=1")]
    public void A_bad_postgres_connection_string_is_refused_naming_the_key_and_never_the_password(string connectionString)
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            AdapterStores.Create(new StoreOptions { Provider = "Postgres", ConnectionString = connectionString }));

        Assert.Contains("Adapter:Store:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_lists_postgres_among_the_providers()
    {
        var error = Assert.Throws<OptionsValidationException>(() => AdapterStores.Create(new StoreOptions { Provider = "Oracle" }));
        Assert.Contains("Sqlite, Postgres", error.Message, StringComparison.Ordinal);
    }
}
