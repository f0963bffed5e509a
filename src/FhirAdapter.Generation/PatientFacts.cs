namespace FhirAdapter.Generation;

/// <summary>What the rest of a patient's records need to know about the patient after the intake is written.</summary>
internal sealed record PatientFacts(
    int Number,
    string Mrn,
    string Site,
    DateTimeOffset SubmittedAt,
    string SexAtBirth,
    bool Minor,
    decimal WeightKg,
    int Systolic,
    int Diastolic,
    int HeartRate,
    Indication Primary,
    int Phq9,
    int Gad7,
    string MisuseRisk,
    string? Contraindication)
{
    public bool KetamineAllergy => Contraindication == "ketamineAllergy";

    /// <summary>Contraindications that rule out treatment at the clinic altogether.</summary>
    public bool NotTreated => Contraindication is "psychosisHistory" or "pregnant" or "uncontrolledHypertension" or "severeCardiacDisease";
}
