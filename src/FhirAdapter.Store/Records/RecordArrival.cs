using FhirAdapter.Core.Export;

namespace FhirAdapter.Store.Records;

/// <summary>One parsed record arriving at the store, with the opaque key of its patient (null for a form).</summary>
public sealed record RecordArrival(ExportRecord Record, string? PatientKey);
