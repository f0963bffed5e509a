using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FhirAdapter.Generation;

/// <summary>Builds one record's compact JSON with a <see cref="Utf8JsonWriter"/>, and re-versions it.</summary>
internal static class JsonRecord
{
    /// <summary>Files, not HTML: keep '+' in phone numbers and '&amp;' in names readable.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonWriterOptions Compact = new() { Encoder = Encoder };

    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();

    public static byte[] Serialize(JsonObject record)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            record.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The same record as a later version (a correction, or the record sent again), changed by <paramref name="change"/>.</summary>
    public static byte[] Revise(byte[] json, DateTimeOffset updatedAt, Action<JsonObject>? change = null)
    {
        var record = Parse(json);
        record["updatedAt"] = ClinicClock.Iso(updatedAt);
        change?.Invoke(record);
        return Serialize(record);
    }
}
