namespace FhirAdapter.Operations.Tests.Support;

/// <summary>Debian's chromium (installed by .ci/run with chromium-driver); FHIRADAPTER_TEST_CHROMIUM names another.</summary>
internal static class Chromium
{
    public static string Path =>
        Environment.GetEnvironmentVariable("FHIRADAPTER_TEST_CHROMIUM") is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException("The browser tests need Chromium: apt-get install -y chromium chromium-driver (or set FHIRADAPTER_TEST_CHROMIUM).");
}
