using FhirAdapter.Store;
using FhirAdapter.Store.Leases;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>The renewal of a batch's leases while it works.</summary>
public sealed class LeaseKeeperTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(3);

    /// <summary>
    /// A renewal the store fails (busy or unreachable for a moment) must not end the renewals: the lease would then lapse
    /// under a slow send, and another instance take the patient while this one's write is in flight.
    /// </summary>
    [Fact]
    public async Task A_failed_renewal_is_tried_again_at_the_next_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-20T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = new FlakyLeaseStore(failures: 1);
        var keeper = new LeaseKeeper(store, "me", [new PatientLease("p1", "me", time.GetUtcNow() + Duration, 1)], Duration, time);
        try
        {
            // The keeper's timer is set on its own thread: time moves an interval at a time until the second renewal comes
            // (or gives up after a hundred intervals, far more than the two needed).
            for (var i = 0; i < 100 && store.Calls < 2; i++)
            {
                time.Advance(Duration / 3);
                await Task.WhenAny(store.Called.WaitAsync(), Task.Delay(50));
            }

            Assert.True(store.Calls >= 2, $"renewals asked for after one failed: {store.Calls - 1}");
            Assert.Equal(["p1"], store.Renewed);
        }
        finally
        {
            await keeper.DisposeAsync();
        }
    }

    /// <summary>A lease store whose first renewals fail; the others renew.</summary>
    private sealed class FlakyLeaseStore(int failures) : ILeaseStore
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public SemaphoreSlim Called { get; } = new(0);

        public IReadOnlyCollection<string> Renewed { get; private set; } = [];

        public Task<IReadOnlyList<PatientLease>> RenewAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            Called.Release();
            if (call <= failures)
            {
                return Task.FromException<IReadOnlyList<PatientLease>>(new InvalidOperationException("database is locked"));
            }

            Renewed = [.. patientKeys];
            return Task.FromResult<IReadOnlyList<PatientLease>>([.. patientKeys.Select(k => new PatientLease(k, owner, DateTimeOffset.MaxValue, 1))]);
        }

        public Task<IReadOnlyList<PatientLease>> ClaimDirtyPatientsAsync(string owner, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<PatientLease>> ClaimPendingPatientsAsync(string owner, string destination, int max, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<PatientLease?> TryClaimPatientAsync(string owner, string patientKey, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReleaseAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> TryClaimTickAsync(string name, DateTimeOffset tick, string owner, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
