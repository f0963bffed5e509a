namespace FhirAdapter.Store.Patients;

/// <summary>What a held record waits for.</summary>
public enum HeldWaitKind
{
    /// <summary>Its patient's intake (consents and sessions).</summary>
    Intake,

    /// <summary>A form in one version (intakes); the key is <c>formId|version</c>.</summary>
    Form,
}
