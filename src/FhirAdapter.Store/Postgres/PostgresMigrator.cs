using Microsoft.Extensions.Logging;
using Npgsql;

namespace FhirAdapter.Store.Postgres;

/// <summary>
/// Applies the embedded scripts <c>Migrations/NNNN_name.sql</c> in order, each in its own transaction with its row
/// in <c>schema_version</c>, so a crash mid-migration leaves the previous version intact and the next start
/// resumes. Several instances starting at once queue on a session advisory lock (one per schema), so each script
/// runs once and nobody reads a half-made schema.
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock's first key ('FHIR'); the second is the hash of the schema, so schemas migrate independently.</summary>
    internal const int LockClass = 0x46484952;

    private const string ResourcePrefix = "FhirAdapter.Store.Postgres.Migrations.";

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = Load();

    public static async Task<int> MigrateAsync(NpgsqlConnection connection, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (await connection.ScalarAsync(null, "SELECT current_schema()", cancellationToken) is not string)
        {
            // The search path names no existing schema; CREATE TABLE would fail with a less helpful message.
            throw new InvalidOperationException(
                $"{StoreOptions.SectionName}:ConnectionString: the search path names no existing schema; create it, or use the default (public)");
        }

        // The wait for another instance's migration must not be cut short by the connection's lock_timeout.
        await connection.ExecAsync(null, "SET lock_timeout = 0", cancellationToken);
        if (!(bool)(await connection.ScalarAsync(null, "SELECT pg_try_advisory_lock(@c, hashtext(current_schema()))", cancellationToken, ("@c", LockClass)))!)
        {
            PostgresLog.WaitingForMigration(logger);
            await connection.ExecAsync(null, "SELECT pg_advisory_lock(@c, hashtext(current_schema()))", cancellationToken, ("@c", LockClass));
        }

        try
        {
            await connection.ExecAsync(null, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    applied_at  timestamptz NOT NULL
                )
                """, cancellationToken);

            foreach (var (version, name, sql) in Scripts)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                if (await connection.ScalarAsync(transaction, "SELECT 1 FROM schema_version WHERE version = @v", cancellationToken, ("@v", version)) is not null)
                {
                    continue;
                }

                await connection.ExecAsync(transaction, sql, cancellationToken);
                await connection.ExecAsync(transaction, "INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @t)", cancellationToken,
                    ("@v", version), ("@n", name), ("@t", PostgresValues.Time(time.GetUtcNow())));
                await transaction.CommitAsync(cancellationToken);
                Log.MigrationApplied(logger, version, name);
            }

            var current = (int)(await connection.ScalarAsync(null, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken))!;
            var known = Scripts.Count == 0 ? 0 : Scripts[^1].Version;
            if (current > known)
            {
                PostgresLog.NewerSchema(logger, current, known);
            }

            return current;
        }
        finally
        {
            // The pool keeps the connection open, so the session lock would outlive this call without an explicit unlock.
            await connection.ExecAsync(null, "SELECT pg_advisory_unlock(@c, hashtext(current_schema())); RESET lock_timeout", CancellationToken.None, ("@c", LockClass));
        }
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var file = Path.GetFileNameWithoutExtension(resource[ResourcePrefix.Length..]);
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file.AsSpan(0, underscore), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        if (scripts.Select(s => s.Item1).Distinct().Count() != scripts.Count)
        {
            throw new InvalidOperationException("Two store migrations share a version number");
        }

        return scripts;
    }
}
