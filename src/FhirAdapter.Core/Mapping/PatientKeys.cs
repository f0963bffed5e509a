using System.Security.Cryptography;
using System.Text;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// The opaque key that names a patient's output and logs in place of the MRN: SHA-256 of the
/// MRN's system and value, or HMAC-SHA256 under a configured secret (which makes it resistant to
/// guessing MRNs and hashing them).
/// </summary>
public sealed class PatientKeys
{
    private readonly string _mrnSystem;
    private readonly byte[]? _secret;

    public PatientKeys(string mrnSystem, string? secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(mrnSystem);
        _mrnSystem = mrnSystem;
        _secret = string.IsNullOrEmpty(secret) ? null : Encoding.UTF8.GetBytes(secret);
    }

    public string For(string mrn)
    {
        ArgumentException.ThrowIfNullOrEmpty(mrn);
        var input = Encoding.UTF8.GetBytes($"{_mrnSystem}|{mrn}");
        var hash = _secret is null ? SHA256.HashData(input) : HMACSHA256.HashData(_secret, input);
        return "p-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
