using FhirAdapter.Core.Reading;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

public abstract class MigrationContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    [Fact]
    public async Task Opening_again_migrates_nothing_twice_and_keeps_the_data()
    {
        var version = await Store.MigrateAsync(Ct);
        Assert.True(version >= 1);
        Assert.Equal(version, await Store.MigrateAsync(Ct));
        await Store.IngestAsync(Batch(Intake()), Ct);

        var reopened = Fixture.Reopen(Store, Time);
        Assert.Equal(version, await reopened.MigrateAsync(Ct));
        Assert.NotNull(await reopened.GetCurrentRecordAsync(RecordKind.Intake, Intake().RecordId, Ct));
    }

    [Fact]
    public async Task Several_instances_opening_at_once_all_succeed()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Fixture.Reopen(Store, Time)).Append(Store).ToList();
        var versions = await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct))));
        Assert.Single(versions.Distinct());
    }

    [Fact]
    public async Task Migrates_on_first_use_without_an_explicit_call()
    {
        Assert.Null(await Store.FindInboxFileAsync("none", Ct));
    }
}
