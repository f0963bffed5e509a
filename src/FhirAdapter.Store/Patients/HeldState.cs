using FhirAdapter.Core.Reading;

namespace FhirAdapter.Store.Patients;

/// <summary>A held record as stored: held since the first mapping that held it.</summary>
public sealed record HeldState(string PatientKey, RecordKind Kind, string RecordId, HeldWaitKind WaitKind, string? WaitKey, DateTimeOffset HeldSince);
