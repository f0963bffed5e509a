using FhirAdapter.Store.Tests.Sqlite;

namespace FhirAdapter.Store.Tests;

/// <summary>The entry point when this assembly runs as the crash test's child process (the test host never calls it).</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args) =>
        args is ["crash-child", var database] ? await CrashChild.RunAsync(database) : 0;
}
