using FhirAdapter.Store;
using FhirAdapter.Store.Leases;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// Renews a batch's patient leases at a third of their lifetime while the batch works, so that a slow EHR
/// cannot let a lease lapse (and another worker take the patient) while this worker's write is in flight. A renewal
/// that fails is tried again at the next interval.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    public LeaseKeeper(ILeaseStore store, string owner, IReadOnlyCollection<PatientLease> leases, TimeSpan leaseDuration, TimeProvider time)
    {
        var keys = leases.Select(l => l.PatientKey).ToList();
        _renewing = keys.Count == 0 ? Task.CompletedTask : RenewAsync(store, owner, keys, leaseDuration / 3, time, _stop.Token);
    }

    public static LeaseKeeper For(ILeaseStore store, string owner, IReadOnlyCollection<PatientLease> leases, IOptions<StoreOptions> options, TimeProvider time) =>
        new(store, owner, leases, options.Value.LeaseDuration, time);

    private static async Task RenewAsync(ILeaseStore store, string owner, List<string> keys, TimeSpan every, TimeProvider time, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(every, time, stop).ConfigureAwait(false);
                try
                {
                    await store.RenewAsync(owner, keys, stop).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A renewal that failed (the database busy or unreachable for a moment) is tried again at the next interval:
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
#pragma warning restore CA1031 // the lease lasts three intervals, and giving up for good would let it lapse under a slow send.
                {
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The batch is done.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _renewing.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed renewal only means the store refuses this worker's later writes (LeaseLostException).
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        _stop.Dispose();
    }
}
