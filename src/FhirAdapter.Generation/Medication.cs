namespace FhirAdapter.Generation;

/// <summary>A home medication as the intake lists it.</summary>
internal sealed record Medication(string Name, string? RxNorm, string Dose, string Frequency);
