using System.Diagnostics;
using Npgsql;

namespace FhirAdapter.Testing;

/// <summary>
/// The PostgreSQL server of every test that needs one (mark it <see cref="RequiresPostgresAttribute"/>), found once
/// per test process:
/// <list type="number">
/// <item>the connection string in <c>FHIRADAPTER_TEST_POSTGRES</c> (what <c>.ci/run</c> sets, from <c>tests/postgres/start-postgres.sh</c>);</item>
/// <item>else, with <c>FHIRADAPTER_SKIP_POSTGRES=1</c>, none: those tests are reported as skipped (<see cref="PostgresSkippingFramework"/>);</item>
/// <item>else, when PostgreSQL's server binaries are installed, a throwaway cluster started with that script, stopped when the process ends;</item>
/// <item>else none, and every such test fails saying how to enable it: a missing server must never look like a pass.</item>
/// </list>
/// The throwaway cluster lives in a folder of the test project's own (<c>$FHIRADAPTER_PG_DIR-ProjectName</c>): test
/// projects run in parallel processes, and each stops the cluster it started.
/// </summary>
public static class TestPostgres
{
    public const string ConnectionVariable = "FHIRADAPTER_TEST_POSTGRES";

    public const string SkipVariable = "FHIRADAPTER_SKIP_POSTGRES";

    private static readonly Lazy<(string? ConnectionString, string? Problem)> Found = new(Find, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when the PostgreSQL tests are to be skipped: <c>FHIRADAPTER_SKIP_POSTGRES=1</c> and no server given.</summary>
    public static bool Skipped =>
        Environment.GetEnvironmentVariable(SkipVariable) == "1" && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ConnectionVariable));

    /// <summary>The admin connection string (the test database), or throws the failure that explains why there is none.</summary>
    public static string ConnectionString => Found.Value.ConnectionString ?? throw new InvalidOperationException(Found.Value.Problem);

    /// <summary>
    /// A new, empty schema and the connection string whose search path is that schema (where the store puts its
    /// tables); small, quickly pruned pools, as a test run opens many stores against one server with few connections.
    /// </summary>
    public static (string Schema, string ConnectionString) NewSchema(string prefix = "t", int maxPoolSize = 20)
    {
        var schema = $"{prefix}_{Guid.NewGuid():N}"[..20];
        Execute($"CREATE SCHEMA {schema}");
        return (schema, new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            SearchPath = schema,
            MaxPoolSize = maxPoolSize,
            ConnectionIdleLifetime = 2,
            ConnectionPruningInterval = 1,
        }.ConnectionString);
    }

    public static void DropSchema(string schema) => Execute($"DROP SCHEMA IF EXISTS {schema} CASCADE");

    /// <summary>The worker's configuration tokens for a PostgreSQL store at <paramref name="connectionString"/>.</summary>
    public static string[] StoreArgs(string connectionString) => ["--Adapter:Store:Provider=Postgres", $"--Adapter:Store:ConnectionString={connectionString}"];

    /// <summary>The first column of every row of a query.</summary>
    public static async Task<List<T>> QueryAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static (string?, string?) Find()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } given)
        {
            return (given, null);
        }

        if (Skipped)
        {
            return (null, $"PostgreSQL tests skipped: {SkipVariable}=1");
        }

        const string how = $"""
            Either start one and export its connection string: export {ConnectionVariable}="$(tests/postgres/start-postgres.sh)";
            or install PostgreSQL (Debian: apt-get install -y postgresql-15) so that the tests start a throwaway cluster themselves;
            or set {SkipVariable}=1 to skip the PostgreSQL tests.
            """;
        if (!BinariesInstalled())
        {
            return (null, $"These tests need a PostgreSQL server, and none is configured or installed. {how}");
        }

        var script = Path.Combine(RepoPaths.Root, "tests", "postgres", "start-postgres.sh");
        var stateDirectory = $"{Environment.GetEnvironmentVariable("FHIRADAPTER_PG_DIR") ?? "/tmp/fhiradapter-postgres"}-{TestProjectName()}";
        var alreadyRunning = File.Exists(Path.Combine(stateDirectory, "data", "postmaster.pid"));
        var (exitCode, output, errors) = Run(script, stateDirectory);
        if (exitCode != 0 || string.IsNullOrWhiteSpace(output))
        {
            return (null, $"Starting a throwaway PostgreSQL with {script} failed (exit code {exitCode}): {errors.Trim()}. {how}");
        }

        if (!alreadyRunning)
        {
            // Started for this run: stopped with it, so that `dotnet test` leaves no server behind. The stop runs
            // detached (its own session, output discarded): the test host may be ended before a stop it waited for
            // had finished, which left clusters running.
            var stop = Path.Combine(Path.GetDirectoryName(script)!, "stop-postgres.sh");
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                NpgsqlConnection.ClearAllPools();
                var detached = new ProcessStartInfo("setsid", ["-f", "bash", "-c", "exec bash \"$0\" >/dev/null 2>&1 </dev/null", stop]) { UseShellExecute = false };
                detached.Environment["FHIRADAPTER_PG_DIR"] = stateDirectory;
                using var process = Process.Start(detached);
                process?.WaitForExit(TimeSpan.FromSeconds(5)); // setsid -f returns at once, its child goes on
            };
        }

        return (output.Trim(), null);
    }

    /// <summary>The name of the test project whose binaries run (the first folder above them with a project file).</summary>
    private static string TestProjectName()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.EnumerateFiles("*.csproj").Any())
            {
                return dir.Name;
            }
        }

        return "tests";
    }

    private static bool BinariesInstalled() =>
        (Directory.Exists("/usr/lib/postgresql") && Directory.EnumerateFiles("/usr/lib/postgresql", "pg_ctl", SearchOption.AllDirectories).Any())
        || (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "pg_ctl")));

    private static (int ExitCode, string Output, string Errors) Run(string script, string stateDirectory)
    {
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["FHIRADAPTER_PG_DIR"] = stateDirectory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        return (process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
    }
}
