using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// The Firely JSON serializer settings, built once: pretty for files people read, compact for the wire, and lenient
/// for reading what other servers answer and what the adapter stored itself.
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

    /// <summary>JSON from outside (a client's request body): every check of the model applies.</summary>
    public static T Parse<T>(string json) where T : Resource =>
        JsonSerializer.Deserialize<T>(json, Compact) ?? throw new JsonException("The JSON held no resource.");

    /// <summary>
    /// JSON this adapter wrote itself from a resource (the store's): the model's checks, which that resource passed
    /// when it was serialized, are skipped. They were most of the cost of reading a stored patient back (delivery,
    /// serving) and could only pass again.
    /// </summary>
    public static T ParseStored<T>(string json) where T : Resource =>
        JsonSerializer.Deserialize<T>(json, Lenient) ?? throw new JsonException("The JSON held no resource.");
}
