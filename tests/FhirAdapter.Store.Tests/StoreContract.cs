using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Store.Tests;

/// <summary>The base of every contract: a fresh database per test, on a fake clock.</summary>
public abstract class StoreContract<TFixture>
    where TFixture : IStoreFixture
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    protected StoreContract(TFixture fixture)
    {
        Fixture = fixture;
        Time = new FakeTimeProvider(Start);
        Store = fixture.Create(Time);
    }

    protected TFixture Fixture { get; }

    protected FakeTimeProvider Time { get; }

    protected IAdapterStore Store { get; }

    protected static CancellationToken Ct => CancellationToken.None;
}
