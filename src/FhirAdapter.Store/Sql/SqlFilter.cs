using System.Text;

namespace FhirAdapter.Store.Sql;

/// <summary>A query with only the conditions actually set, so that each can use its index instead of a catch-all plan.</summary>
internal sealed class SqlFilter(string select, params (string Name, object? Value)[] parameters)
{
    private readonly StringBuilder _sql = new(select);
    private readonly List<(string Name, object? Value)> _parameters = [.. parameters];

    /// <summary>Adds <c>AND <paramref name="condition"/></c>, binding <paramref name="name"/>, unless the value is null.</summary>
    public SqlFilter Where(string condition, string name, object? value)
    {
        if (value is not null)
        {
            _sql.Append(" AND ").Append(condition);
            _parameters.Add((name, value));
        }

        return this;
    }

    public (string Sql, (string Name, object? Value)[] Parameters) Then(string rest) => (_sql.Append(rest).ToString(), [.. _parameters]);
}
