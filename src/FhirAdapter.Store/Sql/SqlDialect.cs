using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace FhirAdapter.Store.Sql;

/// <summary>
/// What truly differs between the databases the store runs on. Everything else, every statement of every store
/// method, is <see cref="SqlAdapterStore"/>'s SQL, written once in the subset both databases speak: named
/// <c>@parameters</c>, <c>INSERT ... ON CONFLICT ... DO UPDATE SET x = excluded.x</c>, <c>RETURNING</c>,
/// <c>COUNT(*) FILTER (WHERE ...)</c>, <c>IS NOT DISTINCT FROM</c>, <c>NULLS LAST</c>. A dialect supplies connections
/// and transactions, how a time and a list are bound and read, the few words of SQL that differ, row locks and
/// claims, retryable errors, and the migrations' DDL (docs/store.md).
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable, IDisposable
{
    /// <summary>The provider's name, as <see cref="StoreOptions.Provider"/> spells it.</summary>
    public abstract string Provider { get; }

    /// <summary>Its migration scripts, <c>{Provider}/Migrations/NNNN_name.sql</c> embedded in the assembly, in order.</summary>
    public abstract IReadOnlyList<MigrationScript> Migrations { get; }

    // ---- Connections and transactions

    /// <summary>An open connection, ready for the store's statements (pragmas, settings).</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The transaction of a unit of work that writes.</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The transaction of a read of several statements that must see one snapshot.</summary>
    public abstract ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>True (with the error's code, for the log) when a unit of work failed only because it raced another, and running it again will do.</summary>
    public virtual bool IsTransient(Exception exception, [NotNullWhen(true)] out string? code)
    {
        code = null;
        return false;
    }

    // ---- Values

    /// <summary>The smallest step of a stored time, in ticks: a time is truncated to it before it is stored or returned.</summary>
    protected abstract long TimeResolution { get; }

    /// <summary>A time (UTC, already truncated) as a parameter value.</summary>
    protected abstract object TimeValue(DateTimeOffset utc);

    /// <summary>A list as a parameter value, for <see cref="InList"/>.</summary>
    protected abstract object ListValue(string[] values);

    /// <inheritdoc cref="ListValue(string[])"/>
    protected abstract object ListValue(long[] values);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public DateTimeOffset Truncate(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeResolution), TimeSpan.Zero);
    }

    /// <summary>A bound to compare stored times with: stored times are whole steps, so rounding up keeps <c>&gt;=</c> and <c>&lt;</c> exact.</summary>
    public DateTimeOffset Ceiling(DateTimeOffset value)
    {
        var truncated = Truncate(value);
        return truncated.UtcTicks == value.UtcTicks ? truncated : truncated.AddTicks(TimeResolution);
    }

    /// <summary>A parameter's value as the provider takes it: times, lists and nulls converted, the rest as is.</summary>
    public object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => TimeValue(Truncate(time)),
        string[] strings => ListValue(strings),
        long[] longs => ListValue(longs),
        _ => value,
    };

    // ---- Words of SQL

    /// <summary>The literal true in a condition on a boolean column (SQLite's partial indexes say <c>is_current = 1</c>, and only that matches them).</summary>
    public abstract string True { get; }

    /// <summary>A subquery of one column, <c>value</c>, over the list bound to <paramref name="parameter"/> (a <c>string[]</c> or <c>long[]</c>).</summary>
    public abstract string InList(string parameter);

    /// <summary>The text of a top-level field of the JSON in a text column.</summary>
    public abstract string JsonText(string column, string field);

    // ---- Exact instants: a file's last write time, a record's updatedAt (compared with the exact .NET value)

    /// <summary>The column to compare and sort an exact instant by, for the columns <c>{stem}_utc</c> (and <c>{stem}_ticks</c>).</summary>
    public abstract string ExactColumn(string stem);

    /// <summary>The columns an exact instant is inserted into.</summary>
    public abstract string ExactColumns(string stem);

    /// <summary>The values of <see cref="ExactColumns"/>: <c>@x</c> is bound to the instant, <c>@x_ticks</c> to its UTC ticks.</summary>
    public abstract string ExactValues(string parameter);

    /// <summary>Reads the column of <see cref="ExactColumn"/>.</summary>
    public abstract DateTimeOffset ReadExact(DbDataReader reader, int ordinal);

    // ---- Concurrency: a single writer (nothing to lock) or row locks

    /// <summary>Appended to a SELECT that reads rows the unit will write, so no other unit changes them first (empty: a single writer).</summary>
    public virtual string ForUpdate => "";

    /// <summary>Appended to a SELECT of a row that must not change before the unit commits, while others may read it.</summary>
    public virtual string ForShare => "";

    /// <summary>Appended to the SELECT of a claim: rows another unit holds are passed over instead of waited for.</summary>
    public virtual string ForUpdateSkipLocked(string alias) => "";

    /// <summary>Whether units of work run side by side and lock rows (otherwise one writer at a time: nothing to lock).</summary>
    public bool LocksRows => ForUpdate.Length > 0;

    /// <summary>Serializes the units that take the named lock, until the transaction ends (nothing to do for a single writer).</summary>
    public virtual Task LockAsync(SqlSession session, StoreLock which, CancellationToken cancellationToken) => Task.CompletedTask;

    // ---- Migrations

    /// <summary>The DDL of the <c>schema_version</c> table (CREATE TABLE IF NOT EXISTS), in the types of the provider's 0001.</summary>
    public abstract string SchemaVersionTable { get; }

    /// <summary>The connection a migration runs on (SQLite creates the database file's folder first).</summary>
    public virtual ValueTask<DbConnection> OpenForMigrationAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>Before the scripts: makes this migration the only one on its database until <see cref="ExitMigrationAsync"/> (each script's write transaction may do that already).</summary>
    public virtual Task EnterMigrationAsync(SqlSession session, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After the scripts, whether they succeeded or not.</summary>
    public virtual Task ExitMigrationAsync(SqlSession session) => Task.CompletedTask;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public virtual void Dispose()
    {
    }
}
