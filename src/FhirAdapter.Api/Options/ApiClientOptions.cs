namespace FhirAdapter.Api.Options;

/// <summary>
/// One registered API client (an EHR) and the organization it acts for. Its public key is given inline
/// (<see cref="Jwks"/>) or by URL (<see cref="JwksUrl"/>), never both.
/// </summary>
public sealed class ApiClientOptions
{
    /// <summary>The client id: the <c>iss</c> and <c>sub</c> of its assertions.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The clinic's organizationId for the recipient: what the consent decision is asked about.</summary>
    public string OrganizationId { get; set; } = "";

    /// <summary>A JWK Set (<c>{"keys":[...]}</c>) or one JWK, as JSON text (or as a nested configuration section).</summary>
    public string? Jwks { get; set; }

    /// <summary>An https URL serving the client's JWK Set (http only on loopback, for tests).</summary>
    public string? JwksUrl { get; set; }

    /// <summary>The scopes the client may be granted, space-separated, e.g. <c>system/*.rs</c> or <c>system/Patient.rs system/Observation.rs</c>.</summary>
    public string Scopes { get; set; } = "system/*.rs";

    /// <summary>The purpose its requests are decided for: <c>treatment</c> (default), <c>payment</c> or <c>health-care-operations</c>.</summary>
    public string Purpose { get; set; } = "treatment";

    /// <summary>Overrides <see cref="FhirApiRateLimitOptions.PermitLimit"/> for this client.</summary>
    public int? PermitLimit { get; set; }
}
