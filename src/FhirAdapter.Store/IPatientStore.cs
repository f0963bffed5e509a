using FhirAdapter.Store.Patients;

namespace FhirAdapter.Store;

/// <summary>Per-patient mapping state: the dirty flag, the last mapped resources, and held records.</summary>
public interface IPatientStore
{
    /// <summary>Patients whose records changed since their last stored mapping, longest waiting first.</summary>
    Task<IReadOnlyList<DirtyPatient>> GetDirtyPatientsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Marks a patient for remapping (e.g. after a consent or configuration change); returns the new generation.</summary>
    Task<long> MarkDirtyAsync(string patientKey, CancellationToken cancellationToken);

    /// <summary>
    /// Marks for mapping every patient (and the Questionnaires) with a stored resource whose outcome another validator
    /// gave than the one of <paramref name="fingerprint"/> (or an unknown one): their next remap validates it again.
    /// Returns how many were marked.
    /// </summary>
    Task<int> MarkValidatedElsewhereAsync(string fingerprint, CancellationToken cancellationToken);

    /// <summary>
    /// Marks for mapping every patient the store knows, whatever their resources (none yet, all invalid), and the
    /// Questionnaires once they were ever mapped (<c>remap --all</c>). Returns how many were marked.
    /// </summary>
    Task<int> MarkAllDirtyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores a patient's mapping atomically: resources (changed ones get a new content hash), held records, delivery
    /// work per allowed destination; clears the dirty flag unless a newer change arrived.
    /// </summary>
    /// <exception cref="LeaseLostException">A lease owner was named and no longer holds the lease; nothing was stored.</exception>
    Task<PatientMappingResult> SavePatientMappingAsync(PatientMapping mapping, CancellationToken cancellationToken);

    /// <summary>The resources of a patient's last stored mapping, in Bundle order.</summary>
    Task<IReadOnlyList<StoredResource>> GetResourcesAsync(string patientKey, CancellationToken cancellationToken);

    /// <summary>
    /// Resources of the patient's earlier mappings that the last one no longer produces and that no other patient's
    /// mapping produces now either (as last mapped): what delivery withdraws where it was sent.
    /// </summary>
    Task<IReadOnlyList<StoredResource>> GetRemovedResourcesAsync(string patientKey, CancellationToken cancellationToken);

    /// <summary>Held records, of one patient or (null) of all.</summary>
    Task<IReadOnlyList<HeldState>> GetHeldAsync(string? patientKey, CancellationToken cancellationToken);

    /// <summary>Held records held for longer than <paramref name="age"/>, for the warning in <c>status</c>.</summary>
    Task<IReadOnlyList<HeldState>> GetHeldOlderThanAsync(TimeSpan age, CancellationToken cancellationToken);

    /// <summary>
    /// Marks dirty every patient with a record held for <paramref name="waitKind"/>/<paramref name="waitKey"/> and
    /// returns their keys. Ingest does this itself when a form or intake arrives; this is for other causes.
    /// </summary>
    Task<IReadOnlyList<string>> ReleaseHeldAsync(HeldWaitKind waitKind, string? waitKey, CancellationToken cancellationToken);
}
