using System.Collections.Concurrent;

namespace FhirAdapter.Validation.FastPath;

/// <summary>The element names of a POCO type (its class mapping, without a primitive's value), looked up once per type.</summary>
internal static class Properties
{
    private static readonly ConcurrentDictionary<Type, string[]> Names = new();

    public static string[] Of(Type type) => Names.GetOrAdd(type, t =>
        Hl7.Fhir.Model.ModelInfo.ModelInspector.FindOrImportClassMapping(t)?.PropertyMappings
            .Where(p => !p.RepresentsValueElement).Select(p => p.Name).ToArray() ?? []);
}
