namespace FhirAdapter.Store.Operations;

/// <summary>One view of patient data in the console: who, when, which patient, and what they opened.</summary>
/// <param name="PatientKey">Null for a raw quarantined record whose patient is not known.</param>
public sealed record PatientDataView(long Id, string OperatorName, DateTimeOffset ViewedAt, string? PatientKey, string What);
