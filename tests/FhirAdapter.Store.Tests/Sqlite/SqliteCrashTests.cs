using System.Diagnostics;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Sql;
using FhirAdapter.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Store.Tests.Sqlite;

/// <summary>Kills a writing process with SIGKILL, several times, and checks that every unit is wholly there or wholly absent.</summary>
public sealed class SqliteCrashTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task A_killed_writer_leaves_only_whole_units_and_the_next_one_resumes()
    {
        var database = Path.Combine(fixture.Directory, "crash.db");
        Directory.CreateDirectory(fixture.Directory);
        var committed = -1;
        for (var round = 0; round < 3; round++)
        {
            committed = Math.Max(committed, await RunAndKillAsync(database, afterCommits: 3 + round));
        }

        var options = new StoreOptions { ConnectionString = $"Data Source={database}" };
        var store = AdapterStores.Create(options);
        await store.MigrateAsync(CancellationToken.None);
        var dialect = new SqliteDialect(options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await using var connection = new SqlSession(await dialect.OpenAsync(CancellationToken.None), dialect);
        Assert.Equal("ok", await connection.ScalarAsync("PRAGMA integrity_check", CancellationToken.None));

        // Every child restarts at file 0: a file is stored once however often it was written (repeats, no duplicates).
        var files = await connection.QueryAsync("SELECT path FROM inbox_file ORDER BY path", r => r.GetString(0), CancellationToken.None);
        Assert.True(files.Count >= committed + 1, $"{files.Count} checkpoints, {committed + 1} reported committed");
        for (var file = 0; file < files.Count + 1; file++)
        {
            var records = (long)(await connection.ScalarAsync("SELECT COUNT(*) FROM record_version WHERE record_id LIKE @p AND is_current = 1",
                CancellationToken.None, ("@p", $"SES-CRASH-{file:D5}-%")))!;
            var checkpointed = files.Contains(CrashChild.FileOf(file).Path);
            Assert.Equal(checkpointed ? CrashChild.RecordsPerFile : 0, records);
        }

        Assert.Equal(0L, await connection.ScalarAsync("SELECT COUNT(*) FROM (SELECT kind, record_id FROM record_version GROUP BY kind, record_id HAVING SUM(is_current) <> 1)", CancellationToken.None));
        foreach (var counts in await store.CountDeliveriesAsync(CancellationToken.None))
        {
            // Each mapped patient has 20 resources: all sent for the files that got that far, never a part.
            Assert.Equal(0, counts.Sent % 20);
        }
    }

    private static async Task<int> RunAndKillAsync(string database, int afterCommits)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(SqliteCrashTests).Assembly.Location);
        start.ArgumentList.Add("crash-child");
        start.ArgumentList.Add(database);
        using var child = Process.Start(start)!;
        var last = -1;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            last = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (last + 1 >= afterCommits)
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no finally, no dispose, no rollback by us
                break;
            }
        }

        await child.WaitForExitAsync(timeout.Token);
        Assert.True(last >= 0, await child.StandardError.ReadToEndAsync(timeout.Token));
        return last;
    }
}
