namespace FhirAdapter.Core.Reading;

/// <summary>The four kinds of record the clinic's practice system exports.</summary>
public enum RecordKind
{
    Form,
    Intake,
    Consent,
    Session,
}
