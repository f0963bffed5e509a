namespace FhirAdapter.Worker.Tests.Support;

/// <summary>A worker's world in a temp folder: its own inbox (a copy of samples/inbox) and its own SQLite store.</summary>
internal sealed class SyncSetup : IDisposable
{
    private readonly TempDir _dir = new();

    public SyncSetup(string? serverBaseUrl, string organizationId = "pbpca")
    {
        Directory.CreateDirectory(Inbox);
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Inbox))
        {
            File.Copy(file, Path.Combine(Inbox, Path.GetFileName(file)));
        }

        var args = new List<string>
        {
            $"--Adapter:Inbox={Inbox}",
            $"--Adapter:Store:ConnectionString=Data Source={Path.Combine(_dir.Path, "store.db")}",
            $"--Adapter:Validation:ProfilesPath={Path.Combine(RepoPaths.Root, "profiles")}",
            $"--Adapter:Store:LeaseDuration={LeaseDuration}",
            // The tests write each file whole before they sync: no settle time to wait (FileCompletenessTests has its own).
            "--Adapter:InboxSettleTime=00:00:00",
        };
        if (serverBaseUrl is not null)
        {
            args.AddRange([
                "--Adapter:Destinations:0:Name=ehr",
                $"--Adapter:Destinations:0:OrganizationId={organizationId}",
                $"--Adapter:Destinations:0:BaseUrl={serverBaseUrl}",
                "--Adapter:Destinations:0:BackoffBase=00:00:00.200",
            ]);
        }

        Configuration = [.. args];
    }

    /// <summary>Short, so that a test can outlive the leases of a worker it killed.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);

    public string Root => _dir.Path;

    public string Inbox => Path.Combine(_dir.Path, "inbox");

    /// <summary>The configuration as command-line tokens, after the command's own.</summary>
    public string[] Configuration { get; }

    public string[] Args(params string[] command) => [.. command, .. Configuration];

    /// <summary>Leaves only these sample files in the inbox (a small inbox keeps in-process tests fast).</summary>
    public void KeepOnly(params string[] fileNames)
    {
        foreach (var file in Directory.EnumerateFiles(Inbox).Where(f => !fileNames.Contains(Path.GetFileName(f), StringComparer.Ordinal)))
        {
            File.Delete(file);
        }
    }

    /// <summary>Copies one more sample file into the inbox, as the practice system's next export.</summary>
    public void Arrive(string fileName) => File.Copy(Path.Combine(RepoPaths.Inbox, fileName), Path.Combine(Inbox, fileName));

    public void Dispose() => _dir.Dispose();
}
