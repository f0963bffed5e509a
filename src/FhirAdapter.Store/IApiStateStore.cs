using FhirAdapter.Store.Api;

namespace FhirAdapter.Store;

/// <summary>
/// The pull API's shared state, so that a restart keeps it and any instance answers any client: access tokens (by
/// hash), the assertion ids already used (the replay cache), bulk export jobs, API client registrations
/// (<c>clients add</c>) and the version counters of served resources. Migration 0006. Times are the store's clock.
/// </summary>
public interface IApiStateStore
{
    /// <summary>Stores an issued token (its SHA-256 only, never the token).</summary>
    Task SaveAccessTokenAsync(ApiAccessToken token, CancellationToken cancellationToken);

    /// <summary>The token with this hash if it has not expired; null otherwise.</summary>
    Task<ApiAccessToken?> FindAccessTokenAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Records a client's assertion id until <paramref name="keepUntil"/>; false when it was recorded before, by any
    /// instance (a replay). One atomic insert on the key (client id, jti), so two instances cannot both accept it.
    /// </summary>
    Task<bool> TryUseAssertionIdAsync(string clientId, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken);

    /// <summary>Deletes expired tokens and assertion ids; returns how many.</summary>
    Task<int> DeleteExpiredAuthStateAsync(CancellationToken cancellationToken);

    /// <summary>Adds a queued job unless its client already has <paramref name="maxActivePerClient"/> queued or running (false).</summary>
    Task<bool> AddExportJobAsync(ApiExportJob job, int maxActivePerClient, CancellationToken cancellationToken);

    Task<ApiExportJob?> FindExportJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the oldest queued job, or a running one whose lease ran out (its instance stopped), for
    /// <paramref name="owner"/> for the store's lease duration, as a new attempt; null when there is none.
    /// </summary>
    Task<ApiExportJob?> ClaimExportJobAsync(string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the runner's progress or outcome (state, patients, files, error, expiry) and renews its lease (a finished
    /// job has none); false when <paramref name="owner"/> no longer runs this attempt (the job was cancelled or taken over).
    /// </summary>
    Task<bool> UpdateExportJobAsync(ApiExportJob job, string owner, CancellationToken cancellationToken);

    /// <summary>Gives a running job back to the queue (the instance stops): another, or the next start, takes it at once.</summary>
    Task ReleaseExportJobAsync(string id, string owner, CancellationToken cancellationToken);

    /// <summary>Notes that the accounting of a job's disclosures has been written.</summary>
    Task MarkExportDisclosedAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deletes a job (cancelled or expired); false when there was none.</summary>
    Task<bool> DeleteExportJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>Finished jobs whose files have expired: the sweeper deletes their folders, then the jobs.</summary>
    Task<IReadOnlyList<ApiExportJob>> GetExpiredExportJobsAsync(CancellationToken cancellationToken);

    /// <summary>Registers or replaces a client (<c>clients add</c>); configuration's clients are not stored.</summary>
    Task SaveClientAsync(ApiClientRegistration client, CancellationToken cancellationToken);

    /// <summary><c>clients remove</c>: false when it was not registered in the store.</summary>
    Task<bool> RemoveClientAsync(string clientId, CancellationToken cancellationToken);

    Task<ApiClientRegistration?> FindClientAsync(string clientId, CancellationToken cancellationToken);

    /// <summary><c>clients list</c>, ordered by client id.</summary>
    Task<IReadOnlyList<ApiClientRegistration>> GetClientsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The version of each of a patient's resources as served now: a resource seen for the first time is version 1 as
    /// of its <see cref="ServedState.ContentChangedAt"/>; one whose served hash changed gets the next version, as of the
    /// new content's time if its content changed since, else now (its labels changed). Reads only when nothing changed.
    /// </summary>
    Task<IReadOnlyList<ServedVersion>> TrackServedVersionsAsync(string patientKey, IReadOnlyList<ServedState> resources, CancellationToken cancellationToken);
}
