using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store.Sql;

/// <summary>
/// Applies the dialect's embedded scripts <c>Migrations/NNNN_name.sql</c> in order, each in its own transaction with
/// its row in <c>schema_version</c>, so a crash mid-migration leaves the previous version intact and the next start
/// resumes. Several instances starting at once are made to queue by the dialect (SQLite's write lock, PostgreSQL's
/// advisory lock), so each script runs once and nobody reads a half-made schema.
/// </summary>
internal static class SqlMigrator
{
    public static async Task<int> MigrateAsync(SqlSession session, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var dialect = session.Dialect;
        await dialect.EnterMigrationAsync(session, cancellationToken);
        try
        {
            await session.ExecAsync(dialect.SchemaVersionTable, cancellationToken);
            foreach (var script in dialect.Migrations)
            {
                await session.BeginAsync(write: true, cancellationToken);
                if (await session.ScalarAsync("SELECT 1 FROM schema_version WHERE version = @v", cancellationToken, ("@v", script.Version)) is not null)
                {
                    await session.CommitAsync(cancellationToken);
                    continue;
                }

                await session.ExecAsync(script.Sql, cancellationToken);
                await session.ExecAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @t)", cancellationToken,
                    ("@v", script.Version), ("@n", script.Name), ("@t", time.GetUtcNow()));
                await session.CommitAsync(cancellationToken);
                Log.MigrationApplied(logger, script.Version, script.Name);
            }

            var current = Convert.ToInt32(await session.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            var known = dialect.Migrations.Count == 0 ? 0 : dialect.Migrations[^1].Version;
            if (current > known)
            {
                Log.NewerSchema(logger, current, known);
            }

            return current;
        }
        finally
        {
            await dialect.ExitMigrationAsync(session);
        }
    }
}
