using System.Security.Cryptography;
using System.Text;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// Name-based UUIDs (RFC 9562 version 5): the same resource identity always gets the same id, so
/// a Bundle's urn:uuid fullUrls and a resource's logical id are stable across runs.
/// </summary>
public static class StableIds
{
    // An arbitrary namespace of our own, fixed forever: changing it changes every id.
    private static readonly byte[] Namespace = Guid.Parse("7b1f6c1e-4a3d-5e2b-9c8d-0f1e2d3c4b5a").ToByteArray(bigEndian: true);

    public static Guid For(string resourceType, string system, string value)
    {
        var name = Encoding.UTF8.GetBytes($"{resourceType}|{system}|{value}");
        Span<byte> input = stackalloc byte[Namespace.Length + name.Length];
        Namespace.CopyTo(input);
        name.CopyTo(input[Namespace.Length..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash); // SHA-1 is what version 5 specifies; not used for security
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    public static string Urn(string resourceType, string system, string value) => $"urn:uuid:{For(resourceType, system, value)}";
}
