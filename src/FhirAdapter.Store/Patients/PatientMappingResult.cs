namespace FhirAdapter.Store.Patients;

/// <summary>What storing a mapping changed.</summary>
/// <param name="Queued">Delivery rows set to pending (new or changed resources, per destination).</param>
/// <param name="Cancelled">Pending deliveries cancelled (destination no longer allowed, resource invalid or removed).</param>
/// <param name="StillDirty">A change arrived after the mapped generation: the patient must be mapped again.</param>
public sealed record PatientMappingResult(int Added, int Changed, int Unchanged, int Removed, int Queued, int Cancelled, bool StillDirty);
