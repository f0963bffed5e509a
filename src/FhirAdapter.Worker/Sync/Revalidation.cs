using FhirAdapter.Store;
using FhirAdapter.Store.Search;
using FhirAdapter.Worker.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// Marks every stored patient (and the Questionnaires) for mapping again, so that the normal remap path runs over
/// all of them: a resource that maps as before keeps its outcome only while the validator's fingerprint is the one that
/// gave it (docs/validation.md), so after a change of profiles every resource is validated again, and one the new
/// profiles reject is withdrawn from serving and sending and quarantined with the reason, as any invalid resource is.
/// </summary>
internal sealed class Revalidation(IAdapterStore store, ResourceValidator validator, ILogger<Revalidation> logger)
{
    private const int PageSize = 500;

    /// <summary>
    /// At start: marks the patients whose stored outcomes another validator gave (new profiles, a Firely upgrade), so
    /// that the passes that follow validate them again, patient by patient; returns how many.
    /// </summary>
    public async Task<int> MarkValidatedElsewhereAsync(CancellationToken cancellationToken)
    {
        var marked = await store.MarkValidatedElsewhereAsync(validator.Fingerprint, cancellationToken).ConfigureAwait(false);
        if (marked > 0)
        {
            Log.RevalidationMarked(logger, validator.Fingerprint[..12], marked);
        }

        return marked;
    }

    /// <summary>Marks the patients page by page (keys only in memory); returns how many were marked.</summary>
    public async Task<int> MarkAllAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var query = ResourceQueries.From(store);
        await store.MarkDirtyAsync(StoreKeys.Questionnaires, cancellationToken).ConfigureAwait(false);
        var marked = 0;
        string? after = null;
        while (true)
        {
            // Patients with a resource served or sent today: those a change of profiles can withdraw something from.
            var keys = await query.GetPatientKeysAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            if (keys.Count == 0)
            {
                return marked;
            }

            foreach (var key in keys)
            {
                await store.MarkDirtyAsync(key, cancellationToken).ConfigureAwait(false);
                progress?.Report(new SyncProgress("Marking patients for mapping again", ++marked, null));
            }

            after = keys[^1];
        }
    }
}
