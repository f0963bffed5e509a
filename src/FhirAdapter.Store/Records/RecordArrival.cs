using FhirAdapter.Core.Reading;

namespace FhirAdapter.Store.Records;

/// <summary>One parsed record arriving at the store, with the opaque key of its patient (null for a form).</summary>
public sealed record RecordArrival(ClinicRecord Record, string? PatientKey);
