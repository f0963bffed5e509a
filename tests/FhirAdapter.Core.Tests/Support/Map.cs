using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using System.Text.Json.Nodes;

namespace FhirAdapter.Core.Tests.Support;

/// <summary>Maps a handful of records given as JSON, as the map command would.</summary>
internal static class Map
{
    public static async Task<MappingResult> RecordsAsync(params JsonObject[] records)
    {
        var set = new RecordSet();
        var text = string.Join('\n', records.Select(RecordJson.Line));
        foreach (var item in await Read.TextAsync("test.ndjson", text))
        {
            Assert.Empty(item.Errors);
            set.Add(item.Record!);
        }

        return new RecordMapper(new MappingOptions()).Map(set.Records);
    }

    public static async Task<MappingResult> ExamplesAsync() =>
        await RecordsAsync(RecordJson.Example("form"), RecordJson.Example("intake"), RecordJson.Example("consent"), RecordJson.Example("session"));

    public static IEnumerable<T> All<T>(this MappingResult result) where T : Hl7.Fhir.Model.Resource =>
        result.Patients.SelectMany(p => p.Bundle.Entry).Select(e => e.Resource).OfType<T>();

    public static T Identified<T>(this MappingResult result, string identifierValue) where T : Hl7.Fhir.Model.Resource =>
        result.Patients.SelectMany(p => p.Bundle.Entry)
            .Where(e => e.Request!.Url!.EndsWith("|" + identifierValue, StringComparison.Ordinal))
            .Select(e => e.Resource).OfType<T>().Single();
}
