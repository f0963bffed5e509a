using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Search;

/// <summary>
/// An <c>_include</c> (<c>Observation:encounter</c>) or <c>_revinclude</c> (<c>Observation:encounter</c> on an Encounter
/// search) value: a reference search parameter of the source type, from the FHIR R4 definitions Firely ships, with its
/// FHIRPath expression, and an optional target type. Only references within the same patient's record are followed
/// (nothing else is this client's to see), and only to types this server reads.
/// </summary>
internal sealed partial record IncludeParameter(string Text, string SourceType, string Name, string? TargetType, string Expression)
{
    /// <summary>Types a <c>.where(resolve() is X)</c> in the definition restricts the references to (resolve() needs a resolver: it is applied here instead).</summary>
    public IReadOnlySet<string> ResolvedTypes { get; init; } = new HashSet<string>();

    /// <summary>The disclosure notice: always included, so <c>_revinclude=Provenance:target</c> asks for nothing more.</summary>
    public bool IsNotice => SourceType == "Provenance" && Name == "target";

    public static bool TryParse(string value, string searchedType, bool reverse, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IncludeParameter? include)
    {
        include = null;
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3)
        {
            return false;
        }

        var (source, name, target) = (parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
        if (reverse ? !(SearchTypes.Readable.Contains(source) || source == "Provenance") || (target is not null && target != searchedType)
                    : source != searchedType || (target is not null && !SearchTypes.Readable.Contains(target)))
        {
            return false;
        }

        var definition = ModelInfo.SearchParameters.FirstOrDefault(p => p.Resource == source && p.Name == name && p.Type == SearchParamType.Reference);
        if (definition?.Expression is not { Length: > 0 } expression)
        {
            return false;
        }

        var resolved = ResolveIs().Matches(expression).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        include = new IncludeParameter(value, source, name, target, ResolveIs().Replace(expression, "")) { ResolvedTypes = resolved };
        return true;
    }

    /// <summary>The <c>Type/id</c> references the parameter finds in <paramref name="resource"/> (of the source type).</summary>
    public IEnumerable<string> References(Resource resource)
    {
        foreach (var found in Hl7.Fhir.FhirPath.FhirPathExtensions.Select(resource, Expression))
        {
            if (found is ResourceReference { Reference: { Length: > 0 } reference })
            {
                var parts = reference.Split('/');
                if (parts.Length >= 2 && (TargetType is null || parts[^2] == TargetType) && (ResolvedTypes.Count == 0 || ResolvedTypes.Contains(parts[^2])))
                {
                    yield return $"{parts[^2]}/{parts[^1]}";
                }
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\.where\(resolve\(\) is (\w+)\)")]
    private static partial System.Text.RegularExpressions.Regex ResolveIs();
}
