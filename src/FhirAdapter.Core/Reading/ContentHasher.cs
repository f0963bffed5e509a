using System.Security.Cryptography;
using System.Text.Json;

namespace FhirAdapter.Core.Reading;

/// <summary>
/// Hashes a record's meaning rather than its bytes: the typed envelope and content, so the same
/// record re-exported with other whitespace, key order, unknown fields or file format is a repeat.
/// </summary>
internal static class ContentHasher
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Hash(ClinicRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", record.Kind.ToString());
            writer.WriteString("recordId", record.RecordId);
            writer.WriteString("updatedAt", record.UpdatedAt);
            writer.WriteString("status", record.Status.ToString());
            writer.WriteString("site", record.Site);
            writer.WritePropertyName("payload");
            JsonSerializer.Serialize(writer, record.Payload, record.Payload.GetType(), Options);
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }
}
