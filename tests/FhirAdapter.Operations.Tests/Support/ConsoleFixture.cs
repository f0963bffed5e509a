using System.Net;
using FhirAdapter.Core.Reading;
using FhirAdapter.Operations.Sync;
using FhirAdapter.Store;
using FhirAdapter.Worker.Commands;
using FhirAdapter.Worker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FhirAdapter.Operations.Tests.Support;

/// <summary>
/// The real service for the whole test run, as <c>dotnet run --project src/FhirAdapter.Worker</c> starts it: on a copy
/// of samples/inbox (plus one broken record), sending to a real FHIR server (Medplum's, on loopback), on real Kestrel at
/// 127.0.0.1 on a free port. Its first sync has run when the tests start. Three operators exist (added through the
/// <c>operators add</c> command); one headless Chromium serves every browser test.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    /// <summary>Role operator: the operational pages only.</summary>
    public const string Operator = "oscar";

    /// <summary>Role privacy: also the patient pages.</summary>
    public const string Privacy = "priya";

    /// <summary>Role operator, kept for the lockout test (it ends locked out).</summary>
    public const string Lockable = "lou";

    public const int MaxFailedSignIns = 3;

    /// <summary>An inbox file holding one session whose startedAt is not a time; <see cref="FixBrokenFile"/> mends it.</summary>
    public const string BrokenFile = "2026-03-20_broken-session.ndjson";

    public const string BrokenRecordId = "SES-2099-000001";

    /// <summary>A second broken session, never mended: the raw record the privacy role may open.</summary>
    public const string StaysBrokenRecordId = "SES-2099-000002";

    private readonly FhirServerFixture _fhir = new();
    private readonly SemaphoreSlim _browserGate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string _brokenLine = "";
    private string _fixedLine = "";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "fhiradapter-console-tests", Guid.NewGuid().ToString("N"));

    public string Inbox => Path.Combine(Directory, "inbox");

    public string ConnectionString => $"Data Source={Path.Combine(Directory, "adapter.db")}";

    public WebApplication App { get; private set; } = null!;

    /// <summary>
    /// The service's clock: running, but set back to 2026-03-20 12:00 UTC at the start, when the samples' consents are in
    /// force (so that the sync discloses to the destination, and the accounting has entries).
    /// </summary>
    public ShiftedTime Time { get; } = new(new DateTimeOffset(2026, 3, 20, 12, 0, 0, TimeSpan.Zero));

    public Uri BaseAddress { get; private set; } = null!;

    public IAdapterStore Store => App.Services.GetRequiredService<IAdapterStore>();

    public ISyncControl Sync => App.Services.GetRequiredService<ISyncControl>();

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Every seeded patient's name, MRN and birth date: text an operator must never see.</summary>
    public IReadOnlyList<PatientInfo> Patients { get; private set; } = [];

    /// <summary>Where the browser tests save a screenshot of each page (under the test output).</summary>
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Inbox);
        System.IO.Directory.CreateDirectory(Screenshots);
        foreach (var file in System.IO.Directory.GetFiles(RepoPaths.Inbox))
        {
            File.Copy(file, Path.Combine(Inbox, Path.GetFileName(file)));
        }

        var line = (await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Inbox, "2026-02-02_sessions.ndjson")))[0];
        _fixedLine = line.Replace("\"SES-2026-004005\"", $"\"{BrokenRecordId}\"", StringComparison.Ordinal);
        _brokenLine = _fixedLine.Replace("\"startedAt\": \"2026-01-05T14:07:00-05:00\"", "\"startedAt\": \"after lunch\"", StringComparison.Ordinal);
        Assert.NotEqual(_fixedLine, _brokenLine);
        await File.WriteAllTextAsync(Path.Combine(Inbox, BrokenFile), _brokenLine + "\n");
        await File.WriteAllTextAsync(Path.Combine(Inbox, "2026-03-20_broken-session-2.ndjson"),
            _brokenLine.Replace(BrokenRecordId, StaysBrokenRecordId, StringComparison.Ordinal) + "\n");

        var snapshot = await InboxSnapshot.ReadAsync(RepoPaths.Inbox);
        Patients = [.. snapshot.Records.Records.Select(r => r.Payload).OfType<IntakePayload>().Select(i => i.Patient).DistinctBy(p => p.Mrn)];

        await _fhir.InitializeAsync();
        App = AdapterHost.BuildService([.. Settings()], services => services.AddSingleton<TimeProvider>(Time));
        await App.StartAsync();
        BaseAddress = new Uri(App.Urls.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");

        // The sync at start: the figures the tests compare are those it leaves.
        await WaitForSyncAsync(generation: 1);

        foreach (var (name, role) in new[] { (Operator, "operator"), (Privacy, "privacy"), (Lockable, "operator") })
        {
            var (code, output) = await CliAsync(Password, "operators", "add", name, "--role", role, "--password-stdin");
            Assert.True(code == 0, output);
        }
    }

    /// <summary>The broken record as the practice system re-exports it, mended.</summary>
    public Task FixBrokenFile() => File.WriteAllTextAsync(Path.Combine(Inbox, BrokenFile), _fixedLine + "\n");

    /// <summary>Waits until the sync numbered <paramref name="generation"/> (1: the one at start) has finished.</summary>
    public async Task WaitForSyncAsync(long generation, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        while (Sync.Current is var a && (a.Running || a.Generation < generation))
        {
            await Task.Delay(100, cancel.Token);
        }
    }

    /// <summary>Runs a command of the worker on the same store, with <paramref name="input"/> on its standard input.</summary>
    public async Task<(int Code, string Output)> CliAsync(string? input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input ?? "");
        var code = await AdapterCommandLine.RunAsync([.. args, $"--Adapter:Store:ConnectionString={ConnectionString}", $"--Adapter:Inbox={Inbox}"],
            output, error, CancellationToken.None, reader);
        return (code, output.ToString() + error);
    }

    /// <summary>A fresh browser context (its own cookies) on the one Chromium of the test run.</summary>
    public async Task<IBrowserContext> NewBrowserContextAsync()
    {
        await _browserGate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = Chromium.Path,
                    Headless = true,
                    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                });
            }
        }
        finally
        {
            _browserGate.Release();
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.AbsoluteUri.TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });

        // Two cores shared by several builds: a page may take long to come; waiting longer changes no assertion.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return context;
    }

    /// <summary>An HTTP client with its own cookies, not following redirects (to see them).</summary>
    public ConsoleClient NewClient() => new(BaseAddress);

    private IEnumerable<string> Settings()
    {
        yield return $"--Adapter:Inbox={Inbox}";
        yield return $"--Adapter:Store:ConnectionString={ConnectionString}";
        yield return "--Adapter:Api:Url=http://127.0.0.1:0";
        // No scheduled tick during the tests (the clock starts on 2026-03-20): only the sync at start and "sync now". Not a yearly
        // schedule: the scheduler cannot wait more than 49 days at once (Task.Delay's limit), and would stop the host.
        yield return "--Adapter:Schedule=0 0 1 * *";
        yield return "--Adapter:Logging:Level=Warning";
        yield return $"--Adapter:Api:Export:Directory={Path.Combine(Directory, "exports")}";
        yield return $"--Adapter:Console:MaxFailedSignIns={MaxFailedSignIns}";
        yield return "--Adapter:Destinations:0:Name=pbpca";
        yield return "--Adapter:Destinations:0:OrganizationId=pbpca";
        yield return $"--Adapter:Destinations:0:BaseUrl={_fhir.BaseUrl}";
        yield return "--Adapter:Destinations:0:MaxBundleEntries=8"; // Medplum allows 8 conditional entries per transaction
        yield return "--Adapter:Mapping:PatientKeySecret=console-tests-secret";
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        await _fhir.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
