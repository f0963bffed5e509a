using System.Text.Json;

namespace FhirAdapter.Core.Reading;

/// <summary>A new-patient or re-intake submission.</summary>
public sealed record IntakePayload(
    PatientInfo Patient,
    string FormId,
    string FormVersion,
    DateTimeOffset SubmittedAt,
    IReadOnlyList<IntakeAnswer> Answers,
    IReadOnlyList<ConditionInfo> Conditions,
    VitalsInfo? Vitals,
    IReadOnlyList<SubstanceUseInfo> SubstanceUse,
    IReadOnlyList<MedicationInfo> Medications,
    IReadOnlyList<string> PriorTreatments,
    IReadOnlyList<KeyValuePair<string, bool>> Contraindications,
    MisuseRiskInfo? MisuseRisk) : RecordPayload;

public sealed record PatientInfo(
    string Mrn,
    string FirstName,
    string? MiddleName,
    string LastName,
    string? PreferredName,
    DateOnly DateOfBirth,
    string SexAtBirth,
    string? GenderIdentity,
    string? Pronouns,
    IReadOnlyList<PhoneInfo> Phones,
    string? Email,
    AddressInfo? Address,
    string? PreferredLanguage,
    string? MaritalStatus,
    EmergencyContactInfo? EmergencyContact,
    ProviderInfo? PrimaryCareProvider,
    ReferrerInfo? ReferredBy);

public sealed record PhoneInfo(string Use, string Number);

public sealed record AddressInfo(string Line1, string? Line2, string City, string State, string PostalCode, string? Country);

public sealed record EmergencyContactInfo(string Name, string Relationship, string Phone);

public sealed record ProviderInfo(string Name, string? Npi);

public sealed record ReferrerInfo(string Name, string? Npi, string? Organization);

/// <summary>An answer as exported; typed against its form item when mapped.</summary>
public sealed record IntakeAnswer(string LinkId, JsonElement Value);

public sealed record ConditionInfo(string Icd10Cm, string? Display, string? OnsetDate, string? ClinicalStatus);

public sealed record VitalsInfo(decimal? WeightKg, decimal? HeightCm, int? Systolic, int? Diastolic, int? HeartRate);

public sealed record SubstanceUseInfo(string Substance, string? Pattern, decimal? YearsOfUse, string? LastUseDate);

public sealed record MedicationInfo(string Name, string? RxNorm, string? Dose, string? Frequency, bool? Active);

public sealed record MisuseRiskInfo(string Level, bool? PriorKetamineMisuse, bool? DiversionConcern, string? Notes);
