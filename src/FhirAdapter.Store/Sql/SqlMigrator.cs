using Microsoft.Extensions.Logging;

namespace FhirAdapter.Store.Sql;

/// <summary>One embedded migration script.</summary>
internal sealed record MigrationScript(int Version, string Name, string Sql);

/// <summary>
/// Applies a dialect's scripts in order, each in its own write transaction with its row in <c>schema_version</c>, so
/// a crash mid-migration leaves the previous version intact and the next start resumes. Instances starting at once
/// queue (SQLite's write lock, PostgreSQL's advisory lock): each script runs once, nobody reads a half-made schema.
/// </summary>
internal static class SqlMigrator
{
    public static async Task<int> MigrateAsync(SqlSession session, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var dialect = session.Dialect;
        await dialect.EnterMigrationAsync(session, cancellationToken).ConfigureAwait(false);
        try
        {
            await session.ExecAsync(dialect.SchemaVersionTable, cancellationToken).ConfigureAwait(false);
            foreach (var script in dialect.Migrations)
            {
                if (await session.ScalarAsync("SELECT 1 FROM schema_version WHERE version = @v", cancellationToken, ("@v", script.Version)).ConfigureAwait(false) is not null)
                {
                    continue; // applied: a read says so, with no wait for the write lock (a long write elsewhere must not hold up readiness)
                }

                await session.BeginAsync(write: true, cancellationToken).ConfigureAwait(false);
                var apply = await session.ScalarAsync("SELECT 1 FROM schema_version WHERE version = @v", cancellationToken, ("@v", script.Version)).ConfigureAwait(false) is null;
                if (apply)
                {
                    await session.ExecAsync(script.Sql, cancellationToken).ConfigureAwait(false);
                    await session.ExecAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @t)", cancellationToken,
                        ("@v", script.Version), ("@n", script.Name), ("@t", time.GetUtcNow())).ConfigureAwait(false);
                }

                await session.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (apply)
                {
                    Log.MigrationApplied(logger, script.Version, script.Name);
                }
            }

            var current = Convert.ToInt32(await session.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            var known = dialect.Migrations.Count == 0 ? 0 : dialect.Migrations[^1].Version;
            if (current > known)
            {
                Log.NewerSchema(logger, current, known);
            }

            return current;
        }
        finally
        {
            await dialect.ExitMigrationAsync(session).ConfigureAwait(false);
        }
    }

    /// <summary>A provider's scripts in version order (the csproj embeds each folder as <c>FhirAdapter.Store.{Provider}.Migrations.*</c>).</summary>
    public static IReadOnlyList<MigrationScript> Load(string provider)
    {
        var prefix = $"FhirAdapter.Store.{provider}.Migrations.";
        var assembly = typeof(SqlMigrator).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = Path.GetFileNameWithoutExtension(resource[prefix.Length..]);
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            scripts.Add(new(int.Parse(file.AsSpan(0, underscore), System.Globalization.CultureInfo.InvariantCulture), file[(underscore + 1)..], reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        return scripts.DistinctBy(s => s.Version).Count() == scripts.Count ? scripts : throw new InvalidOperationException($"Two {provider} store migrations share a version number");
    }
}
