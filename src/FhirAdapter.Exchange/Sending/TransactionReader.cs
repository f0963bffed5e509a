using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Sending;

/// <summary>Reads the server id and version of a written entry from a transaction-response entry.</summary>
internal static class TransactionReader
{
    /// <summary>Status code at the start of "201 Created" or "201".</summary>
    public static int? Status(string? status)
    {
        if (string.IsNullOrWhiteSpace(status))
        {
            return null;
        }

        var digits = status.Trim().Split(' ')[0];
        return int.TryParse(digits, out var code) ? code : null;
    }

    /// <summary>
    /// Id from <c>location</c> (<c>[base/]Type/id[/_history/vid]</c>) else the returned resource; version from the ETag,
    /// else the location's history segment, else <c>meta.versionId</c>: servers fill these in differently.
    /// </summary>
    public static (string? Id, string? VersionId) IdAndVersion(Bundle.EntryComponent? entry, string resourceType)
    {
        string? id = null;
        string? version = null;
        if (entry?.Response?.Location is { Length: > 0 } location)
        {
            var path = Uri.TryCreate(location, UriKind.Absolute, out var abs) ? abs.AbsolutePath : location;
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.LastIndexOf(parts, resourceType);
            if (at >= 0 && at + 1 < parts.Length)
            {
                id = parts[at + 1];
                if (at + 3 < parts.Length && parts[at + 2] == "_history")
                {
                    version = parts[at + 3];
                }
            }
        }

        id ??= entry?.Resource?.Id;
        version = EtagVersion(entry?.Response?.Etag) ?? version ?? entry?.Resource?.Meta?.VersionId;
        return (id, version);
    }

    /// <summary><c>W/"3"</c> → <c>3</c>.</summary>
    public static string? EtagVersion(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag))
        {
            return null;
        }

        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Trim('"') is { Length: > 0 } v ? v : null;
    }
}
