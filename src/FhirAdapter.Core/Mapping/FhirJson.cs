using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// The Firely JSON serializer settings, built once: pretty for files people read, compact for the wire, and lenient
/// for reading what other servers answer.
/// </summary>
public static class FhirJson
{
    public const string MediaType = "application/fhir+json";

    public static JsonSerializerOptions Pretty { get; } = new JsonSerializerOptions { WriteIndented = true }.ForFhir(ModelInfo.ModelInspector);

    public static JsonSerializerOptions Compact { get; } = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    /// <summary>Servers add their own elements (Medplum: meta.author, meta.project...); an answer must not fail on them.</summary>
    public static JsonSerializerOptions Lenient { get; } = new JsonSerializerOptions()
        .ForFhir(ModelInfo.ModelInspector)
        .UsingMode(DeserializationMode.Ostrich);

    public static string Serialize(Resource resource, bool pretty = true) =>
        JsonSerializer.Serialize(resource, pretty ? Pretty : Compact);

    public static T Parse<T>(string json) where T : Resource =>
        JsonSerializer.Deserialize<T>(json, Compact) ?? throw new JsonException("The JSON held no resource.");
}
