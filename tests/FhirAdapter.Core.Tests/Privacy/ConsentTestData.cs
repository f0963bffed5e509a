using System.Globalization;
using System.Text.Json.Nodes;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Privacy;

/// <summary>Consent records read as the inbox reader reads them, and the example patient mapped with them.</summary>
internal static class ConsentTestData
{
    /// <summary>A day the contract's example consent (pbpca, treatment, exclude-counseling-notes, to 2027-03-02) is in force.</summary>
    public static readonly DateTimeOffset Now = At("2026-03-10T09:00:00-04:00");

    public static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    public static JsonObject Consent() => RecordJson.Example("consent");

    /// <summary>The example consent as another record of the same patient.</summary>
    public static JsonObject Consent(string recordId) => RecordJson.Example("consent").With("recordId", recordId);

    public static async Task<List<ClinicRecord>> ReadAsync(params JsonObject[] records)
    {
        var items = await Read.TextAsync("test.ndjson", string.Join('\n', records.Select(RecordJson.Line)));
        Assert.All(items, i => Assert.Empty(i.Errors));
        return [.. items.Select(i => i.Record!)];
    }

    /// <summary>Maps form, intake and session of the example patient with the given consents: one patient Bundle.</summary>
    public static async Task<PatientBundle> MapPatientAsync(JsonObject? intake = null, JsonObject? session = null, params JsonObject[] consents)
    {
        var result = await Map.RecordsAsync([RecordJson.Example("form"), intake ?? RecordJson.Example("intake"), session ?? RecordJson.Example("session"), .. consents]);
        return Assert.Single(result.Patients);
    }

    public static ClinicCanonicals Canonicals { get; } = new(new MappingOptions().CanonicalBase);

    /// <summary>A clock that stands still, for the TimeProvider overloads.</summary>
    public sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
