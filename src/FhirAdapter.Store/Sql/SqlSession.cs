using System.Data.Common;

namespace FhirAdapter.Store.Sql;

/// <summary>
/// One connection of one store call, with the transaction of its unit of work if it has one. Every value goes
/// through a named parameter, never into SQL text. A statement run again in the same session (a row per resource)
/// reuses its command: the text is parsed once and only the parameters are bound again.
/// </summary>
internal sealed class SqlSession(DbConnection connection, SqlDialect dialect) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    public DbConnection Connection => connection;

    public DbTransaction? Transaction { get; private set; }

    public SqlDialect Dialect => dialect;

    public async Task BeginAsync(bool write, CancellationToken cancellationToken) =>
        Transaction = write ? await dialect.BeginWriteAsync(connection, cancellationToken) : await dialect.BeginReadAsync(connection, cancellationToken);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Transaction!.CommitAsync(cancellationToken);
        await EndAsync();
    }

    public async Task<int> ExecAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await Command(sql, parameters).ExecuteNonQueryAsync(cancellationToken);

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var value = await Command(sql, parameters).ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var reader = await Command(sql, parameters).ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private DbCommand Command(string sql, (string Name, object? Value)[] values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = Transaction;
        var parameters = command.Parameters;
        for (var i = 0; i < values.Length; i++)
        {
            if (i < parameters.Count && parameters[i].ParameterName != values[i].Name)
            {
                // The same text bound with other names: start over rather than bind a value to the wrong name.
                while (parameters.Count > i)
                {
                    parameters.RemoveAt(parameters.Count - 1);
                }
            }

            if (i == parameters.Count)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = values[i].Name;
                parameters.Add(parameter);
            }

            parameters[i].Value = dialect.ToDb(values[i].Value);
        }

        while (parameters.Count > values.Length)
        {
            parameters.RemoveAt(parameters.Count - 1);
        }

        return command;
    }

    private async ValueTask EndAsync()
    {
        if (Transaction is { } transaction)
        {
            Transaction = null;
            await transaction.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }

        await EndAsync();
        await connection.DisposeAsync();
    }
}
