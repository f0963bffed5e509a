using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FhirAdapter.Store;

/// <summary>Checks the store's settings on start, naming the configuration key of each problem.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    /// <summary>The providers this build knows; a new provider adds its name here and its case in the DI extension.</summary>
    internal static readonly string[] Providers = [StoreOptions.SqliteProvider, StoreOptions.PostgresProvider];

    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var at = StoreOptions.SectionName;
        if (!Providers.Contains(options.Provider, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{at}:Provider must be one of: {string.Join(", ", Providers)}");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{at}:ConnectionString is required");
        }
        else if (string.Equals(options.Provider, StoreOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase) && SqliteProblem(options.ConnectionString) is { } problem)
        {
            errors.Add($"{at}:ConnectionString {problem}");
        }
        else if (string.Equals(options.Provider, StoreOptions.PostgresProvider, StringComparison.OrdinalIgnoreCase) && PostgresProblem(options.ConnectionString) is { } pgProblem)
        {
            errors.Add($"{at}:ConnectionString {pgProblem}");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(5) || options.LeaseDuration > TimeSpan.FromHours(1))
        {
            errors.Add($"{at}:LeaseDuration must be between 00:00:05 and 01:00:00");
        }

        if (options.BusyTimeout < TimeSpan.FromSeconds(1) || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{at}:BusyTimeout must be between 00:00:01 and 00:10:00");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Each call opens its own connection, so an in-memory database would be gone after every call.</summary>
    private static string? SqliteProblem(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The message could quote a password-like value; say only that it does not parse.
            return "is not a valid SQLite connection string";
        }

        return string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory
            ? "must name a database file (Data Source=path/to/file.db)"
            : null;
    }

    /// <summary>Npgsql parses lazily; checking here turns a typo into a start-up error that names the key.</summary>
    private static string? PostgresProblem(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // The message could quote the password; say only that it does not parse.
            return "is not a valid PostgreSQL (Npgsql) connection string";
        }

        return string.IsNullOrWhiteSpace(builder.Host)
            ? "must name the PostgreSQL server (Host=...;Database=...;Username=...), e.g. through the environment variable Adapter__Store__ConnectionString"
            : null;
    }
}
