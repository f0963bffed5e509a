namespace FhirAdapter.Core.Tests.Support;

/// <summary>Finds the repository's folders from wherever the test runs.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Inbox => Path.Combine(Root, "samples", "inbox");

    public static string Invalid => Path.Combine(Root, "samples", "invalid");

    public static string Expected => Path.Combine(Root, "samples", "expected");

    /// <summary>One record of each kind, as in the export contract's examples.</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "FhirAdapter.Core.Tests", "Fixtures");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FhirAdapter.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FhirAdapter.sln not found above the test's folder.");
    }
}
