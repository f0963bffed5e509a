namespace FhirAdapter.Store.Patients;

/// <summary>A patient whose records changed since the last stored mapping.</summary>
public sealed record DirtyPatient(string PatientKey, long Generation, DateTimeOffset DirtySince);
