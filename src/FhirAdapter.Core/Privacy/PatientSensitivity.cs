namespace FhirAdapter.Core.Privacy;

/// <summary>The sensitivity label a patient's disclosed data carries (v3-ActCode).</summary>
public enum PatientSensitivity
{
    /// <summary>Substance use disorder information: the default whenever SUD information may be present.</summary>
    Sud,

    /// <summary>Psychiatry information: only for a patient with no SUD information at all.</summary>
    Psy,
}
