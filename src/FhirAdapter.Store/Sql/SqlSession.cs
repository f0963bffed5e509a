using System.Data.Common;

namespace FhirAdapter.Store.Sql;

/// <summary>
/// One connection of one store call, with the transaction of its unit of work if it has one. Every value goes through
/// a named parameter, never into SQL text. A statement run again in the same session (a row per resource) reuses its
/// command, and so its prepared form: only the parameters are bound again.
/// </summary>
internal sealed class SqlSession(DbConnection connection, SqlDialect dialect) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private DbTransaction? _transaction;

    public SqlDialect Dialect => dialect;

    public async Task BeginAsync(bool write, CancellationToken cancellationToken) =>
        _transaction = write ? await dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false) : await dialect.BeginReadAsync(connection, cancellationToken).ConfigureAwait(false);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        await _transaction.DisposeAsync().ConfigureAwait(false);
        _transaction = null;
    }

    public async Task<int> ExecAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await Command(sql, parameters).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await Command(sql, parameters).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is var value and not DBNull ? value : null;

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var reader = await Command(sql, parameters).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = reader.ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private DbCommand Command(string sql, (string Name, object? Value)[] values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            _commands.Add(sql, command = connection.CreateCommand());
            command.CommandText = sql;
        }

        command.Transaction = _transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in values)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = dialect.ToDb(value);
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        if (_transaction is not null)
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
