namespace FhirAdapter.Store.Api;

/// <summary>An issued access token: the SHA-256 of the token (never the token), its client, the granted scopes (space-separated) and expiry.</summary>
public sealed record ApiAccessToken(string TokenHash, string ClientId, string Scopes, DateTimeOffset ExpiresAt);

/// <summary>
/// A bulk export job as every instance sees it. <paramref name="RequestJson"/> holds what was asked (types, _since,
/// the request URL, the grant's scopes); <paramref name="FilesJson"/> the manifest's files once completed.
/// </summary>
public sealed record ApiExportJob(
    string Id,
    string ClientId,
    string State,
    string RequestJson,
    DateTimeOffset TransactionTime,
    string? Owner,
    DateTimeOffset? LeaseUntil,
    int PatientsExported,
    string? FilesJson,
    string? Error,
    DateTimeOffset? ExpiresAt);

/// <summary>An API client registered by <c>clients add</c>: the same fields as <c>Adapter:Api:Clients:N</c>.</summary>
public sealed record ApiClientRegistration(
    string ClientId,
    string OrganizationId,
    string Purpose,
    string Scopes,
    string? Jwks,
    string? JwksUrl,
    int? PermitLimit,
    DateTimeOffset RegisteredAt);
