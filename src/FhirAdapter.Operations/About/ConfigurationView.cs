using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace FhirAdapter.Operations.About;

/// <summary>
/// The configuration in force, key by key: the bound options objects (so defaults show too), then any other key set
/// under <c>Adapter</c>. Every secret is masked: keys that name a secret (password, secret, token, private key, JWKS)
/// show only that they are set, and a connection string keeps its host and database but not its password.
/// </summary>
public sealed partial class ConfigurationView(IConfiguration configuration, IEnumerable<SettingsSection> sections, IServiceProvider services)
{
    public const string Masked = "•••••• (set)";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public IReadOnlyList<(string Key, string Value)> Entries()
    {
        var entries = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in sections)
        {
            JsonElement value;
            try
            {
                value = JsonSerializer.SerializeToElement(section.Read(services), Json);
            }
#pragma warning disable CA1031 // An options object that cannot be shown falls back to the raw keys below.
            catch (Exception)
#pragma warning restore CA1031
            {
                continue;
            }

            Flatten(section.Path, value, entries);
        }

        foreach (var (key, value) in configuration.GetSection("Adapter").AsEnumerable(makePathsRelative: false))
        {
            if (value is not null)
            {
                entries.TryAdd(key, value);
            }
        }

        return [.. entries.Select(e => (e.Key, Mask(e.Key, e.Value)))];
    }

    private static void Flatten(string path, JsonElement value, SortedDictionary<string, string> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Flatten($"{path}:{property.Name}", property.Value, into);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Flatten($"{path}:{i++}", item, into);
                }

                break;
            case JsonValueKind.Null:
                break;
            case JsonValueKind.String:
                into[path] = value.GetString()!;
                break;
            default:
                into[path] = value.GetRawText();
                break;
        }
    }

    public static string Mask(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrEmpty(value))
        {
            return value ?? "";
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
