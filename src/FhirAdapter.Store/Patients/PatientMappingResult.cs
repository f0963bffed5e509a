namespace FhirAdapter.Store.Patients;

/// <summary>What storing a mapping changed.</summary>
/// <param name="Queued">Destinations the patient was queued for (the mapping changed, or the patient is newly permitted there).</param>
/// <param name="Cancelled">Destinations where the patient is not permitted, or its pending work was held back (a resource failed validation).</param>
/// <param name="StillDirty">A change arrived after the mapped generation: the patient must be mapped again.</param>
public sealed record PatientMappingResult(int Added, int Changed, int Unchanged, int Removed, int Queued, int Cancelled, bool StillDirty);
