using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace FhirAdapter.Operations.About;

/// <summary>
/// The configuration in force under <c>Adapter</c>, key by key, with every secret masked: keys that name a secret
/// (password, secret, token, private key, JWKS) show only that they are set, and a connection string keeps its
/// host and database but not its password.
/// </summary>
public sealed partial class ConfigurationView(IConfiguration configuration)
{
    public const string Masked = "•••••• (set)";

    public IReadOnlyList<(string Key, string Value)> Entries() =>
        [.. configuration.GetSection("Adapter").AsEnumerable(makePathsRelative: false)
            .Where(e => e.Value is not null)
            .OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase)
            .Select(e => (e.Key, Mask(e.Key, e.Value!)))];

    public static string Mask(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (value.Length == 0)
        {
            return value;
        }

        if (key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase))
        {
            return ConnectionSecret().Replace(value, m => $"{m.Groups[1].Value}={Masked}");
        }

        var last = key[(key.LastIndexOf(':') + 1)..];
        return SecretKey().IsMatch(last) ? Masked : value;
    }

    [GeneratedRegex(@"(secret|password|passwd|^token$|privatekey$|^jwks$|apikey|credential)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"(password|pwd|user\s*password)\s*=\s*(""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionSecret();
}
