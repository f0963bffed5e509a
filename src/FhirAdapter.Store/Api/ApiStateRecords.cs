namespace FhirAdapter.Store.Api;

/// <summary>An issued access token: the SHA-256 of the token (never the token), its client, the granted scopes (space-separated) and expiry.</summary>
public sealed record ApiAccessToken(string TokenHash, string ClientId, string Scopes, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>Where a bulk export job is.</summary>
public enum ApiExportState
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>
/// A bulk export job as every instance sees it. <paramref name="RequestJson"/> holds what was asked (types, _since,
/// the request URL, the grant's scopes); <paramref name="FilesJson"/> the manifest's files once completed. A runner
/// holds it while <paramref name="Owner"/> and <paramref name="LeaseUntil"/> say so; <paramref name="Attempt"/> counts
/// the runs started (a job taken over from a stopped instance starts again, in a folder of its own).
/// </summary>
public sealed record ApiExportJob(
    string Id,
    string ClientId,
    ApiExportState State,
    string RequestJson,
    DateTimeOffset TransactionTime,
    DateTimeOffset CreatedAt,
    string? Owner,
    DateTimeOffset? LeaseUntil,
    int Attempt,
    int PatientsExported,
    string? FilesJson,
    string? Error,
    DateTimeOffset? ExpiresAt,
    bool DisclosuresRecorded)
{
    public bool IsActive => State is ApiExportState.Queued or ApiExportState.Running;
}

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

/// <summary>
/// What a resource is served as now: <paramref name="ServedHash"/> covers everything a client gets (content and
/// security labels); <paramref name="ContentChangedAt"/> is when its stored content last changed (mapped_at).
/// </summary>
public sealed record ServedState(string ResourceType, string LogicalId, string ServedHash, DateTimeOffset ContentChangedAt);

/// <summary>A served resource's version: a counter that moves whenever its served hash does, and when that last happened.</summary>
public sealed record ServedVersion(string ResourceType, string LogicalId, int Version, DateTimeOffset ChangedAt);
