using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;

namespace FhirAdapter.Validation;

/// <summary>
/// The conformance resources of the core specification (specification.zip of Hl7.Fhir.Specification.Data.R4),
/// loaded one at a time on demand. Firely's ZipSource keeps them in a few large Bundle files and re-reads a Bundle
/// from its start for every resource it loads (tens of seconds for the ~80 definitions a validator needs); here the
/// Bundles are split once into a cache file with an index, after which a resource costs one seek and one parse.
/// The cache lives in the temp folder, is keyed by the zip's size and date, and is rebuilt when missing.
/// </summary>
internal sealed partial class CoreSpecificationSource : IResourceResolver, IAsyncResourceResolver
{
    // The Bundles holding what validation needs: type and resource definitions, core profiles, extensions, terminology.
    private static readonly string[] Bundles =
    [
        "profiles-types.xml", "profiles-resources.xml", "profiles-others.xml", "extension-definitions.xml",
        "valuesets.xml", "v3-codesystems.xml", "v2-tables.xml",
    ];

    private static readonly HashSet<string> ConformanceTypes = ["StructureDefinition", "ValueSet", "CodeSystem"];

    private const string IndexFile = "index.tsv";
    private const string DataFile = "resources.xml";

    private readonly Dictionary<string, (long Offset, int Length)> _index;
    private readonly string _dataPath;
    // Ostrich: the published definitions have harmless formatting slips (e.g. padded values) a strict parser rejects.
    private readonly FhirXmlDeserializer _deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Ostrich));

    public CoreSpecificationSource(string zipPath, string? cacheRoot = null)
    {
        var zip = new FileInfo(zipPath);
        Identity = $"specification.zip/{zip.Length}";
        var cache = Path.Combine(cacheRoot ?? Path.GetTempPath(),
            $"kwc-fhir-r4-spec-{zip.Length:x}-{zip.LastWriteTimeUtc.Ticks:x}");
        _dataPath = Path.Combine(cache, DataFile);
        var indexPath = Path.Combine(cache, IndexFile);
        if (!File.Exists(indexPath))
            Build(zipPath, cache);
        _index = ReadIndex(indexPath);
    }

    /// <summary>Which specification this is (its size: each release of Firely's specification package differs).</summary>
    public string Identity { get; }

    public Resource? ResolveByUri(string uri) => TryResolveByUri(uri).Value;

    public Resource? ResolveByCanonicalUri(string uri) => TryResolveByCanonicalUri(uri).Value;

    public ResolverResult TryResolveByUri(string uri) => TryResolveByCanonicalUri(uri);

    public ResolverResult TryResolveByCanonicalUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var bar = uri.IndexOf('|', StringComparison.Ordinal);
        var url = bar < 0 ? uri : uri[..bar];
        if (!_index.TryGetValue(url, out var location))
            return new ResolverResult(new ResolverException(ResolverException.NOT_FOUND, $"'{url}' is not in the core specification."));

        var buffer = new byte[location.Length];
        using (var data = new FileStream(_dataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess))
        {
            data.Seek(location.Offset, SeekOrigin.Begin);
            data.ReadExactly(buffer);
        }

        var resource = _deserializer.DeserializeResource(Encoding.UTF8.GetString(buffer));
        if (resource is StructureDefinition definition)
            CorrectInvariants(definition);
        return new ResolverResult(resource);
    }

    /// <summary>
    /// R4 invariants that evaluate to empty, and so fail, on valid instances under Firely's FHIRPath engine: ref-1 on a
    /// Reference without <c>reference</c> (display or identifier only), ras-2 on a prediction without a probability.
    /// Rewritten to say what they mean.
    /// </summary>
    private static void CorrectInvariants(StructureDefinition definition)
    {
        foreach (var element in (definition.Snapshot?.Element ?? []).Concat(definition.Differential?.Element ?? []))
        {
            foreach (var constraint in element.Constraint)
            {
                if (constraint.Key is { } key && CorrectedInvariants.TryGetValue(key, out var corrected) && constraint.Expression == corrected.Original)
                    constraint.Expression = corrected.Fixed;
            }
        }
    }

    private static readonly Dictionary<string, (string Original, string Fixed)> CorrectedInvariants = new(StringComparer.Ordinal)
    {
        ["ref-1"] = (
            "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
            "reference.exists() implies (reference.startsWith('#').not() or (reference.substring(1) in %rootResource.contained.id))"),
        ["ras-2"] = (
            "probability is decimal implies (probability as decimal) <= 100",
            "probability.ofType(decimal).all($this <= 100)"),
    };

    public System.Threading.Tasks.Task<Resource?> ResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(ResolveByUri(uri));

    public System.Threading.Tasks.Task<Resource?> ResolveByCanonicalUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(ResolveByCanonicalUri(uri));

    public System.Threading.Tasks.Task<ResolverResult> TryResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(TryResolveByUri(uri));

    public System.Threading.Tasks.Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(TryResolveByCanonicalUri(uri));

    private static Dictionary<string, (long, int)> ReadIndex(string indexPath)
    {
        var index = new Dictionary<string, (long, int)>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(indexPath))
        {
            var parts = line.Split('\t');
            if (parts.Length == 3)
                index.TryAdd(parts[0], (long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)));
        }

        return index;
    }

    /// <summary>Splits the Bundles into one data file plus an index; written under temporary names and moved into place, so that concurrent builders (two processes starting at once) cannot leave a torn cache.</summary>
    private static void Build(string zipPath, string cache)
    {
        Directory.CreateDirectory(cache);
        var suffix = $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var dataTemp = Path.Combine(cache, DataFile + suffix);
        var indexTemp = Path.Combine(cache, IndexFile + suffix);
        var index = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        using (var archive = ZipFile.OpenRead(zipPath))
        using (var data = new FileStream(dataTemp, FileMode.CreateNew, FileAccess.Write))
        {
            foreach (var bundle in Bundles)
            {
                var entry = archive.GetEntry(bundle) ?? throw new InvalidDataException($"'{zipPath}' has no {bundle}.");
                using var stream = entry.Open();
                using var reader = XmlReader.Create(stream, new XmlReaderSettings { IgnoreComments = true, IgnoreWhitespace = true, DtdProcessing = DtdProcessing.Prohibit });
                SplitBundle(reader, data, index, seen);
            }
        }

        File.WriteAllText(indexTemp, index.ToString());
        try
        {
            // The data file first: an index only ever appears next to complete data.
            File.Move(dataTemp, Path.Combine(cache, DataFile), overwrite: true);
            File.Move(indexTemp, Path.Combine(cache, IndexFile), overwrite: true);
        }
        catch (IOException) when (File.Exists(Path.Combine(cache, IndexFile)))
        {
            // Another process finished the same cache first; its files are equivalent.
        }
        finally
        {
            File.Delete(dataTemp);
            File.Delete(indexTemp);
        }
    }

    private static void SplitBundle(XmlReader reader, FileStream data, StringBuilder index, HashSet<string> seen)
    {
        // Bundle / entry / resource / <ResourceType>: the resource is the first element at depth 3.
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == 3 && ConformanceTypes.Contains(reader.LocalName))
            {
                var xml = reader.ReadOuterXml();
                var url = CanonicalUrl().Match(xml);
                if (url.Success && seen.Add(url.Groups[1].Value))
                {
                    var bytes = Encoding.UTF8.GetBytes(xml);
                    index.Append(url.Groups[1].Value).Append('\t').Append(data.Position).Append('\t').Append(bytes.Length).Append('\n');
                    data.Write(bytes);
                }
            }
            else
            {
                reader.Read();
            }
        }
    }

    // A resource's own url element is its first <url value="..."/>: extensions carry theirs as an attribute.
    [GeneratedRegex("<url value=\"([^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex CanonicalUrl();
}
