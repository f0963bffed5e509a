using System.Text.Json;
using FhirAdapter.Core.Reading;

namespace FhirAdapter.Store.Records;

/// <summary>
/// The typed payload as stored: System.Text.Json of the payload record. Any source format (NDJSON, JSON, CSV) is
/// stored the same way, and the record is rehydrated without reading the inbox file again.
/// </summary>
internal static class PayloadSerializer
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Serialize(RecordPayload payload) => JsonSerializer.Serialize(payload, payload.GetType(), Options);

    public static RecordPayload Deserialize(RecordKind kind, string json)
    {
        var type = kind switch
        {
            RecordKind.Form => typeof(FormPayload),
            RecordKind.Intake => typeof(IntakePayload),
            RecordKind.Consent => typeof(ConsentPayload),
            RecordKind.Session => typeof(SessionPayload),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
        };
        return (RecordPayload)(JsonSerializer.Deserialize(json, type, Options)
            ?? throw new InvalidDataException($"A stored {kind} payload is empty"));
    }
}
