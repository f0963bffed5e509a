using System.ComponentModel.DataAnnotations;
using FhirAdapter.Core.Configuration;

namespace FhirAdapter.Exchange.Options;

/// <summary>How the adapter authenticates to one destination. Secrets come from configuration or the environment only.</summary>
public sealed class DestinationAuthOptions
{
    [EnumDataType(typeof(AuthType), ErrorMessage = "{0} must be None, Bearer or SmartBackend")]
    public AuthType Type { get; set; } = AuthType.None;

    /// <summary>Static bearer token (Type = Bearer).</summary>
    public string? Token { get; set; }

    /// <summary>SMART client id: iss and sub of the client assertion.</summary>
    public string? ClientId { get; set; }

    /// <summary>PEM file with the private key that signs the client assertion.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>kid header of the client assertion, matching the key in the client's registered JWKS.</summary>
    public string? KeyId { get; set; }

    [EnumDataType(typeof(SigningAlgorithm), ErrorMessage = "{0} must be RS384 or ES384")]
    public SigningAlgorithm Algorithm { get; set; } = SigningAlgorithm.RS384;

    /// <summary>Requested SMART scopes.</summary>
    public string Scope { get; set; } = "system/*.cruds";

    /// <summary>Token endpoint; when empty it is read from {BaseUrl}/.well-known/smart-configuration.</summary>
    [HttpUrl]
    public string? TokenUrl { get; set; }

    /// <summary>A token is renewed this long before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan TokenRefreshSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Lifetime of a signed client assertion; SMART allows at most 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:05:00")]
    public TimeSpan AssertionLifetime { get; set; } = TimeSpan.FromMinutes(4);
}
