using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store.Sqlite;

/// <summary>
/// Applies the embedded scripts <c>Migrations/NNNN_name.sql</c> in order, each in its own transaction with its row
/// in <c>schema_version</c>, so a crash mid-migration leaves the previous version intact and the next open resumes.
/// </summary>
internal static class SqliteMigrator
{
    private const string ResourcePrefix = "FhirAdapter.Store.Sqlite.Migrations.";

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = Load();

    public static async Task<int> MigrateAsync(SqliteConnection connection, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        // WAL lets readers (status, the API) run beside the writer; the mode is stored in the file, so once suffices.
        await connection.ExecAsync(null, "PRAGMA journal_mode = WAL;", cancellationToken);
        await connection.ExecAsync(null, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version     INTEGER PRIMARY KEY,
                name        TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            );
            """, cancellationToken);

        foreach (var (version, name, sql) in Scripts)
        {
            // BEGIN IMMEDIATE takes the write lock first, so two processes opening at once apply each script once.
            using var transaction = connection.BeginTransaction(deferred: false);
            var applied = await connection.ScalarAsync(transaction, "SELECT 1 FROM schema_version WHERE version = $v", cancellationToken, ("$v", version));
            if (applied is not null)
            {
                continue;
            }

            await connection.ExecAsync(transaction, sql, cancellationToken);
            await connection.ExecAsync(transaction, "INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $t)", cancellationToken,
                ("$v", version), ("$n", name), ("$t", SqliteValues.Time(time.GetUtcNow())));
            transaction.Commit();
            Log.MigrationApplied(logger, version, name);
        }

        return Convert.ToInt32(await connection.ScalarAsync(null, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(SqliteMigrator).Assembly;
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
