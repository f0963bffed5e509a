using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FhirAdapter.Testing;

/// <summary>The npm packages of a Node program the tests start (the FHIR server, the Node FHIR client), installed from its lock file on first use.</summary>
public static class NpmPackages
{
    /// <summary>
    /// Runs <c>npm ci</c> in <paramref name="dir"/> when <paramref name="probe"/> (a file under it) is missing. Test
    /// processes of several projects (or runs) may start at once: an exclusive lock file makes one install and the
    /// others wait, then find it done.
    /// </summary>
    public static async Task EnsureInstalledAsync(string dir, string probe)
    {
        bool Installed() => File.Exists(Path.Combine(dir, probe));
        if (Installed())
        {
            return;
        }

        var lockName = "fhiradapter-npm-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dir)))[..16] + ".lock";
        using var held = await AcquireLockAsync(Path.Combine(Path.GetTempPath(), lockName), TimeSpan.FromMinutes(5));
        if (Installed())
        {
            return;
        }

        var npm = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(npm) ?? throw new InvalidOperationException("npm did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !Installed())
        {
            throw new InvalidOperationException($"npm ci failed in {dir} ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(250);
            }
        }
    }
}
