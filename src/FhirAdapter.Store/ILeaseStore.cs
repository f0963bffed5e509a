using FhirAdapter.Store.Leases;

namespace FhirAdapter.Store;

/// <summary>
/// Leases that let several workers share one database with no coordinator: one lease per patient covers both
/// mapping and delivery (never two writes for one patient in flight), and a tick lease lets one instance run a
/// scheduled scan. A lease lasts <see cref="StoreOptions.LeaseDuration"/>; an expired one can be claimed by anyone.
/// </summary>
public interface ILeaseStore
{
    /// <summary>Claims up to <paramref name="max"/> dirty patients not leased by another worker (its own leases are extended).</summary>
    Task<IReadOnlyList<PatientLease>> ClaimDirtyPatientsAsync(string owner, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> patients with pending work at a destination, not leased by another worker,
    /// longest waiting first; each lease's <see cref="PatientLease.Generation"/> is the patient's queue sequence there
    /// (pass it back in <see cref="Delivery.DeliveryReport.QueueSequence"/>).
    /// </summary>
    Task<IReadOnlyList<PatientLease>> ClaimPendingPatientsAsync(string owner, string destination, int max, CancellationToken cancellationToken);

    /// <summary>Claims one patient if free (or expired, or already the owner's); null if another worker holds it.</summary>
    Task<PatientLease?> TryClaimPatientAsync(string owner, string patientKey, CancellationToken cancellationToken);

    /// <summary>Extends the owner's leases; returns those still held (a lease taken over by another worker is lost).</summary>
    Task<IReadOnlyList<PatientLease>> RenewAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken);

    /// <summary>Gives the owner's leases back.</summary>
    Task ReleaseAsync(string owner, IReadOnlyCollection<string> patientKeys, CancellationToken cancellationToken);

    /// <summary>
    /// True for exactly one caller per <paramref name="name"/> and <paramref name="tick"/> (e.g. the cron occurrence):
    /// the instance that should run that tick's job. The same owner asking again for the same tick gets true again.
    /// </summary>
    Task<bool> TryClaimTickAsync(string name, DateTimeOffset tick, string owner, CancellationToken cancellationToken);
}
