using FhirAdapter.Store;
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

    /// <summary>Marks every stored patient and the Questionnaires (one statement); returns how many patients were marked.</summary>
    public async Task<int> MarkAllAsync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new SyncProgress("Marking patients for mapping again", 0, null));
        // The Questionnaires' row first, in case they were never mapped: then every row is a patient's but that one.
        await store.MarkDirtyAsync(StoreKeys.Questionnaires, cancellationToken).ConfigureAwait(false);
        var marked = await store.MarkAllDirtyAsync(cancellationToken).ConfigureAwait(false) - 1;
        progress?.Report(new SyncProgress("Marking patients for mapping again", marked, marked));
        return marked;
    }
}
