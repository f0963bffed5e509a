using FhirAdapter.Store.Api;

namespace FhirAdapter.Store;

/// <summary>
/// The pull API's shared state, so that a restart keeps it and any instance answers any client: access tokens (by
/// hash), the assertion ids already used (the replay cache), bulk export jobs and API client registrations. Schema:
/// migration 0006 in both dialects. Defined for issue 15 and not implemented yet: it is to be written once, in the
/// unified store of issue 18, and then added to <see cref="IAdapterStore"/> (the API keeps these in memory until then).
/// </summary>
public interface IApiStateStore
{
    /// <summary>Stores an issued token (its SHA-256 only, never the token).</summary>
    Task SaveAccessTokenAsync(ApiAccessToken token, CancellationToken cancellationToken);

    /// <summary>The token with this hash if it has not expired at <paramref name="now"/>; null otherwise.</summary>
    Task<ApiAccessToken?> FindAccessTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records a client's assertion id until <paramref name="keepUntil"/>; false when it was recorded before, by any
    /// instance (a replay). One atomic insert (primary key client id + jti), so two instances cannot both accept it.
    /// </summary>
    Task<bool> TryUseAssertionIdAsync(string clientId, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken);

    /// <summary>Inserts or updates an export job (its state, progress, files, expiry).</summary>
    Task SaveExportJobAsync(ApiExportJob job, CancellationToken cancellationToken);

    Task<ApiExportJob?> FindExportJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the oldest queued job, or a running one whose runner's lease ran out (its instance stopped), for
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>; null when there is none. A restarted or another
    /// instance so finishes an export that was running.
    /// </summary>
    Task<ApiExportJob?> ClaimExportJobAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Queued or running jobs of a client (its limit is checked against every instance's jobs).</summary>
    Task<int> CountActiveExportJobsAsync(string clientId, CancellationToken cancellationToken);

    Task DeleteExportJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>Jobs whose files expired at <paramref name="now"/>: the sweeper deletes their folders, then the jobs.</summary>
    Task<IReadOnlyList<ApiExportJob>> GetExpiredExportJobsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes expired tokens and assertion ids; returns how many.</summary>
    Task<int> DeleteExpiredAuthStateAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Registers or replaces a client (<c>clients add</c>); configuration's clients are not stored.</summary>
    Task SaveClientAsync(ApiClientRegistration client, CancellationToken cancellationToken);

    /// <summary><c>clients remove</c>: false when it was not registered in the store.</summary>
    Task<bool> RemoveClientAsync(string clientId, CancellationToken cancellationToken);

    /// <summary><c>clients list</c>, and what every instance's registry reads (besides configuration).</summary>
    Task<IReadOnlyList<ApiClientRegistration>> GetClientsAsync(CancellationToken cancellationToken);
}
