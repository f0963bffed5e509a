namespace FhirAdapter.Generation;

/// <summary>A condition the clinic treats: its ICD-10-CM code, the intake's reason option, and whether it is a substance use disorder.</summary>
internal sealed record Indication(string Reason, string Icd10Cm, string Display, bool SubstanceUse);
