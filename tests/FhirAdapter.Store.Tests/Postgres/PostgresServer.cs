using System.Diagnostics;
using Npgsql;

namespace FhirAdapter.Store.Tests.Postgres;

/// <summary>
/// Finds the PostgreSQL server the tests use, once per test run:
/// <list type="number">
/// <item>the connection string in <c>FHIRADAPTER_TEST_POSTGRES</c> (what <c>.ci/run</c> sets, from <c>tests/postgres/start-postgres.sh</c>);</item>
/// <item>else, with <c>FHIRADAPTER_SKIP_POSTGRES=1</c>, none: the PostgreSQL tests are skipped;</item>
/// <item>else, when PostgreSQL's server binaries are installed, a throwaway cluster started with that script (and stopped when the run ends);</item>
/// <item>else none, and every PostgreSQL test fails saying how to enable it: a missing server must never look like a pass.</item>
/// </list>
/// </summary>
internal static class PostgresServer
{
    public const string ConnectionVariable = "FHIRADAPTER_TEST_POSTGRES";

    public const string SkipVariable = "FHIRADAPTER_SKIP_POSTGRES";

    /// <summary>xUnit 2 reports a test that fails with a message starting with this token as skipped (the token xUnit 3's Assert.Skip uses).</summary>
    private const string DynamicSkipToken = "$XunitDynamicSkip$";

    private static readonly Lazy<(string? ConnectionString, string? Problem)> Found = new(Find, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The admin connection string (the test database), or throws the skip or the failure that explains why there is none.</summary>
    public static string ConnectionString
    {
        get
        {
            var (connectionString, problem) = Found.Value;
            if (connectionString is not null)
            {
                return connectionString;
            }

            if (Environment.GetEnvironmentVariable(SkipVariable) == "1")
            {
                throw new InvalidOperationException($"{DynamicSkipToken}PostgreSQL tests skipped: {SkipVariable}=1");
            }

            throw new InvalidOperationException(problem);
        }
    }

    private static (string?, string?) Find()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } given)
        {
            return (given, null);
        }

        if (Environment.GetEnvironmentVariable(SkipVariable) == "1")
        {
            return (null, null);
        }

        const string how = $"""
            Either start one and export its connection string: export {ConnectionVariable}="$(tests/postgres/start-postgres.sh)";
            or install PostgreSQL (Debian: apt-get install -y postgresql-15) so that the tests start a throwaway cluster themselves;
            or set {SkipVariable}=1 to skip the PostgreSQL tests.
            """;
        if (!BinariesInstalled())
        {
            return (null, $"The PostgreSQL store tests need a PostgreSQL server, and none is configured or installed. {how}");
        }

        var script = Path.Combine(RepoRoot(), "tests", "postgres", "start-postgres.sh");
        var stateDirectory = Environment.GetEnvironmentVariable("FHIRADAPTER_PG_DIR") ?? "/tmp/fhiradapter-postgres";
        var alreadyRunning = File.Exists(Path.Combine(stateDirectory, "data", "postmaster.pid"));
        var (exitCode, output, errors) = Run(script);
        if (exitCode != 0 || string.IsNullOrWhiteSpace(output))
        {
            return (null, $"Starting a throwaway PostgreSQL with {script} failed (exit code {exitCode}): {errors.Trim()}. {how}");
        }

        if (!alreadyRunning)
        {
            // Started for this run: stopped with it, so that `dotnet test` leaves no server behind.
            var stop = Path.Combine(Path.GetDirectoryName(script)!, "stop-postgres.sh");
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                NpgsqlConnection.ClearAllPools();
                Run(stop);
            };
        }

        return (output.Trim(), null);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tests", "postgres", "start-postgres.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("tests/postgres/start-postgres.sh not found above the test binaries");
    }

    private static bool BinariesInstalled() =>
        (Directory.Exists("/usr/lib/postgresql") && Directory.EnumerateFiles("/usr/lib/postgresql", "pg_ctl", SearchOption.AllDirectories).Any())
        || (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "pg_ctl")));

    private static (int ExitCode, string Output, string Errors) Run(string script)
    {
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
