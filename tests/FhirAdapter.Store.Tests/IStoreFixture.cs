using FhirAdapter.Store;

namespace FhirAdapter.Store.Tests;

/// <summary>
/// What the contract tests need from a provider. A provider (SQLite today, PostgreSQL with scale-out) implements
/// this once and derives one one-line class per contract (see <see cref="Sqlite.SqliteContractTests"/>).
/// </summary>
public interface IStoreFixture
{
    /// <summary>A store on a new, empty database.</summary>
    IAdapterStore Create(TimeProvider time, StoreOptions? options = null);

    /// <summary>Another store on the same database as <paramref name="store"/>: a second worker, or the same one after a restart.</summary>
    IAdapterStore Reopen(IAdapterStore store, TimeProvider time);

    /// <summary>Makes the store call <paramref name="fault"/> at its named points inside units of work (null: stop).</summary>
    void InjectFault(IAdapterStore store, Action<string>? fault);
}
