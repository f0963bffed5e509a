using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace FhirAdapter.Store.Sql;

/// <summary>
/// What truly differs between the databases the store runs on (docs/store.md). Everything else, every statement of
/// every store method, is <see cref="SqlAdapterStore"/>'s SQL, written once in what both databases speak: named
/// <c>@parameters</c>, <c>INSERT ... ON CONFLICT ... DO UPDATE SET x = excluded.x</c>, <c>RETURNING</c>,
/// <c>COUNT(*) FILTER (WHERE ...)</c>, <c>IS NOT DISTINCT FROM</c>, <c>NULLS LAST</c>.
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable, IDisposable
{
    /// <summary>The provider's name, as <see cref="StoreOptions.Provider"/> spells it.</summary>
    public abstract string Provider { get; }

    /// <summary>Its scripts, <c>{Provider}/Migrations/NNNN_name.sql</c>, in order (<see cref="SqlMigrator.Load"/>).</summary>
    public abstract IReadOnlyList<MigrationScript> Migrations { get; }

    // Connections and transactions: writes, and reads of several statements that must see one snapshot.
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    public abstract ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>True (with the error's code, for the log) when a unit of work failed only because it raced another: it is run again.</summary>
    public abstract bool IsTransient(Exception exception, [NotNullWhen(true)] out string? code);

    // Values: a stored time is truncated to TimeResolution (ticks) before it is stored or returned.
    protected abstract long TimeResolution { get; }

    protected abstract object TimeValue(DateTimeOffset utc);

    protected abstract object ListValue<T>(T[] values);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public DateTimeOffset Truncate(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimeResolution), TimeSpan.Zero);

    /// <summary>A bound to compare stored times with: they are whole steps, so rounding up keeps <c>&gt;=</c> and <c>&lt;</c> exact.</summary>
    public DateTimeOffset Ceiling(DateTimeOffset value) => Truncate(value.AddTicks(TimeResolution - 1));

    /// <summary>A parameter's value as the provider takes it.</summary>
    public object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => TimeValue(Truncate(time)),
        string[] strings => ListValue(strings),
        long[] longs => ListValue(longs),
        _ => value,
    };

    // Words of SQL.

    /// <summary>True in a condition on a boolean column (SQLite's partial indexes match <c>is_current = 1</c> only).</summary>
    public abstract string True { get; }

    /// <summary>A subquery of one column, <c>value</c>, over the list (<c>string[]</c>, <c>long[]</c>) bound to the parameter.</summary>
    public abstract string InList(string parameter);

    /// <summary>The text of a top-level field of the JSON in a text column.</summary>
    public abstract string JsonText(string column, string field);

    // Exact instants (an inbox file's last write time, a record's updatedAt), stored in {stem}_utc and maybe {stem}_ticks:
    // the column to compare and sort by, the columns and values to insert (@x bound to the instant, @x_ticks to its UTC ticks).
    public abstract string ExactColumn(string stem);

    public abstract string ExactColumns(string stem);

    public abstract string ExactValues(string parameter);

    public abstract DateTimeOffset ReadExact(DbDataReader reader, int ordinal);

    // Concurrency. Empty: one writer at a time, nothing to lock. Otherwise appended to a SELECT of rows the unit
    // writes (ForUpdate), of a row that must not change before it commits (ForShare), of a claim (rows others hold are passed over).
    public virtual string ForUpdate => "";

    public virtual string ForShare => "";

    public virtual string ForUpdateSkipLocked(string alias) => "";

    public bool LocksRows => ForUpdate.Length > 0;

    /// <summary>Serializes the units that take the lock, until the transaction ends (nothing to do for a single writer).</summary>
    public virtual Task LockAsync(SqlSession session, StoreLock which, CancellationToken cancellationToken) => Task.CompletedTask;

    // Migrations: the schema_version table (in the types of the provider's 0001), the connection they run on, and
    // what keeps two instances from migrating at once (around the scripts, each in its own write transaction).
    public abstract string SchemaVersionTable { get; }

    public virtual ValueTask<DbConnection> OpenForMigrationAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    public virtual Task EnterMigrationAsync(SqlSession session, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task ExitMigrationAsync(SqlSession session) => Task.CompletedTask;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public virtual void Dispose()
    {
    }
}
