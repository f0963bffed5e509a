namespace FhirAdapter.Store.Leases;

/// <summary>
/// A claim on one patient's work by one worker until <see cref="ExpiresAt"/>. <see cref="Generation"/> is the
/// patient's change counter at claim time: pass it back with the mapping, so a change that arrived meanwhile keeps
/// the patient dirty.
/// </summary>
public sealed record PatientLease(string PatientKey, string Owner, DateTimeOffset ExpiresAt, long Generation);
