using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Exchange.Http;

/// <summary>Firely's System.Text.Json converters: strict for what we send, lenient for what servers answer.</summary>
internal static class FhirJson
{
    public const string MediaType = "application/fhir+json";

    public static readonly JsonSerializerOptions Write = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    // Servers add their own elements (Medplum: meta.author, meta.project...); an answer must not fail on them.
    public static readonly JsonSerializerOptions Read = new JsonSerializerOptions()
        .ForFhir(ModelInfo.ModelInspector)
        .UsingMode(DeserializationMode.Ostrich);
}
