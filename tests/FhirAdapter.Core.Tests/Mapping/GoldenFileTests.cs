using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Mapping;

/// <summary>
/// The mapping of samples/inbox must equal samples/expected byte for byte. After a deliberate
/// mapping change, regenerate with FHIRADAPTER_UPDATE_GOLDEN=1 and review the diff (README).
/// </summary>
public sealed class GoldenFileTests(SampleMapping samples) : IClassFixture<SampleMapping>
{
    [Fact]
    public void The_output_equals_the_golden_files()
    {
        if (Environment.GetEnvironmentVariable("FHIRADAPTER_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(RepoPaths.Expected);
            foreach (var stale in Directory.EnumerateFiles(RepoPaths.Expected, "*.json"))
            {
                File.Delete(stale);
            }

            foreach (var (name, json) in samples.Files)
            {
                File.WriteAllText(Path.Combine(RepoPaths.Expected, name), json);
            }
        }

        var expected = Directory.EnumerateFiles(RepoPaths.Expected, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, samples.Files.Keys.Order(StringComparer.Ordinal));
        var different = samples.Files
            .Where(f => File.ReadAllText(Path.Combine(RepoPaths.Expected, f.Key)) != f.Value)
            .Select(f => $"{f.Key}: {FirstDifference(File.ReadAllText(Path.Combine(RepoPaths.Expected, f.Key)), f.Value)}")
            .ToList();
        Assert.True(different.Count == 0, "Differs from samples/expected:\n" + string.Join('\n', different));
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end>";
            var right = i < a.Length ? a[i] : "<end>";
            if (left != right)
            {
                return $"line {i + 1}: expected `{left.Trim()}`, got `{right.Trim()}`";
            }
        }

        return "same lines";
    }
}
