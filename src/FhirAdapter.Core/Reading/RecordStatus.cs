namespace FhirAdapter.Core.Reading;

/// <summary>The envelope's status: <c>entered-in-error</c> withdraws a record that was sent before.</summary>
public enum RecordStatus
{
    Active,
    EnteredInError,
}
