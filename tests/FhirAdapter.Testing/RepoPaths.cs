namespace FhirAdapter.Testing;

/// <summary>Finds the repository's folders from wherever a test runs.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Inbox => Path.Combine(Root, "samples", "inbox");

    public static string Invalid => Path.Combine(Root, "samples", "invalid");

    public static string Expected => Path.Combine(Root, "samples", "expected");

    /// <summary>One valid record of each kind, as the clinic export contract gives them (its <c>examples/</c>).</summary>
    public static string RecordExamples => Path.Combine(Root, "tests", "FhirAdapter.Core.Tests", "Fixtures");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FhirAdapter.sln")))
            dir = dir.Parent;

        return dir?.FullName ?? throw new InvalidOperationException("FhirAdapter.sln not found above the test's folder.");
    }
}
