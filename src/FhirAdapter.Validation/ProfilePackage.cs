using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Validation;

/// <summary>The clinic's package folder parsed into conformance resources (differentials as written).</summary>
internal sealed class ProfilePackage
{
    private ProfilePackage(string directory, string name, string version, string canonical, IReadOnlyList<Resource> resources)
    {
        Directory = directory;
        Name = name;
        Version = version;
        Canonical = canonical;
        Resources = resources;
        StructureDefinitions = resources.OfType<StructureDefinition>().ToList();
        CodeSystems = resources.OfType<CodeSystem>().ToDictionary(cs => cs.Url!, StringComparer.Ordinal);
        ValueSets = resources.OfType<ValueSet>().ToDictionary(vs => vs.Url!, StringComparer.Ordinal);
        CodeSystemCodes = CodeSystems.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlySet<string>)Flatten(kv.Value.Concept).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    public string Directory { get; }
    public string Name { get; }
    public string Version { get; }
    public string Canonical { get; }
    public IReadOnlyList<Resource> Resources { get; }

    /// <summary>SHA-256 over every file of the package (names and bytes): a different package, a different hash.</summary>
    public string ContentHash { get; private init; } = "";
    public IReadOnlyList<StructureDefinition> StructureDefinitions { get; }
    public IReadOnlyDictionary<string, CodeSystem> CodeSystems { get; }
    public IReadOnlyDictionary<string, ValueSet> ValueSets { get; }

    /// <summary>Every code of every package CodeSystem, by CodeSystem URL.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> CodeSystemCodes { get; }

    /// <summary>Whether a canonical URL is in the package's own namespace (so it must be one of its resources).</summary>
    public bool Owns(string canonical) =>
        canonical.StartsWith(Canonical.TrimEnd('/') + "/", StringComparison.Ordinal);

    public static ProfilePackage Load(string directory)
    {
        var manifestPath = Path.Combine(directory, ProfilesLocator.ManifestName);
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
        var root = manifest.RootElement;
        var name = ReadString(root, "name", manifestPath);
        var version = ReadString(root, "version", manifestPath);
        var canonical = ReadString(root, "canonical", manifestPath);

        var deserializer = new FhirJsonDeserializer();
        var resources = new List<Resource>();
        using var contentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(file);
            if (fileName.StartsWith('.'))
                continue;
            var bytes = File.ReadAllBytes(file);
            contentHash.AppendData(Encoding.UTF8.GetBytes(fileName + "\n" + bytes.Length + "\n"));
            contentHash.AppendData(bytes);
            if (fileName.Equals(ProfilesLocator.ManifestName, StringComparison.OrdinalIgnoreCase))
                continue;
            try
            {
                resources.Add(deserializer.DeserializeResource(Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF')));
            }
            catch (Exception e) when (e is DeserializationFailedException or JsonException or FormatException)
            {
                throw new InvalidDataException($"The package file '{fileName}' is not a valid FHIR R4 resource: {e.Message}", e);
            }
        }

        var unnamed = resources.OfType<IVersionableConformanceResource>().Where(r => string.IsNullOrEmpty(r.Url)).ToList();
        if (unnamed.Count > 0)
            throw new InvalidDataException($"Every package resource needs a canonical url; {unnamed.Count} have none.");

        var duplicates = resources.OfType<IVersionableConformanceResource>()
            .GroupBy(r => r.Url, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new InvalidDataException($"The package defines these canonical URLs more than once: {string.Join(", ", duplicates)}.");

        return new ProfilePackage(directory, name, version, canonical, resources) { ContentHash = Convert.ToHexStringLower(contentHash.GetHashAndReset()) };
    }

    public ProfilePackageInfo ToInfo() => new(
        Name, Version, Canonical, Directory,
        StructureDefinitions.Select(sd => sd.Url!).Order(StringComparer.Ordinal).ToList(),
        ValueSets.Keys.Order(StringComparer.Ordinal).ToList(),
        CodeSystems.Keys.Order(StringComparer.Ordinal).ToList());

    private static string ReadString(JsonElement root, string property, string path) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : throw new InvalidDataException($"'{path}' has no '{property}'.");

    private static IEnumerable<string> Flatten(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts) =>
        concepts.SelectMany(c => Flatten(c.Concept ?? []).Prepend(c.Code!));
}
