using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using Xunit;

namespace FhirAdapter.Testing;

/// <summary>
/// Starts tests/FhirServer (Medplum's FHIR router under Node) on a free loopback port for the test run, installing its
/// npm packages first when node_modules is missing, and stops it afterwards.
/// </summary>
public sealed partial class FhirServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private Process? _node;

    public string BaseUrl { get; private set; } = "";

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        var dir = FindServerDirectory();
        await NpmPackages.EnsureInstalledAsync(dir, Path.Combine("node_modules", "@medplum", "fhir-router", "package.json"));

        var start = new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // the server exits when this closes, even if the test run dies
            UseShellExecute = false,
        };
        _node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _node.ErrorDataReceived += (_, e) => Append(e.Data);
        _node.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            var line = await _node.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("The FHIR server exited before it was ready:\n" + Output());
            Append(line);
            if (ListeningLine().Match(line) is { Success: true } m)
            {
                BaseUrl = m.Groups[1].Value.TrimEnd('/');
                break;
            }
        }

        // Keep draining stdout so the server never blocks on a full pipe; kept for failure messages.
        var stdout = _node.StandardOutput;
        _ = Task.Run(async () =>
        {
            while (await stdout.ReadLineAsync() is { } more)
            {
                Append(more);
            }
        });
    }

    /// <summary>The next <paramref name="count"/> FHIR requests answer <paramref name="status"/>; with <paramref name="every"/> N, one request in N does.</summary>
    public async Task InjectFaultsAsync(int status, int count, string? retryAfter, int every = 1)
    {
        using var response = await Http.PostAsJsonAsync(BaseUrl + "/_admin/faults", new { status, count, retryAfter, every });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Fault spells played one after the other: each as <see cref="InjectFaultsAsync"/> would inject it.</summary>
    public async Task InjectFaultsAsync(params (int Status, int Count, string? RetryAfter, int Every)[] spells)
    {
        using var response = await Http.PostAsJsonAsync(BaseUrl + "/_admin/faults",
            spells.Select(s => new { status = s.Status, count = s.Count, retryAfter = s.RetryAfter, every = s.Every }).ToArray());
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonNode> StatsAsync() => JsonNode.Parse(await Http.GetStringAsync(BaseUrl + "/_admin/stats"))!;

    public async Task ResetAsync()
    {
        using var response = await Http.PostAsync(BaseUrl + "/_admin/reset", null);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonNode> GetAsync(string relative) => JsonNode.Parse(await Http.GetStringAsync($"{BaseUrl}/{relative}"))!;

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_node is null)
        {
            return;
        }

        try
        {
            _node.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _node.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _node.Kill(entireProcessTree: true);
        }
        finally
        {
            _node.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string FindServerDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "FhirServer");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/FhirServer not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+/?)")]
    private static partial Regex ListeningLine();
}
