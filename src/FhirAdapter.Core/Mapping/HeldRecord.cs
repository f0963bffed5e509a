using FhirAdapter.Core.Reading;

namespace FhirAdapter.Core.Mapping;

/// <summary>A valid record that waits for something to arrive: its patient's intake, or its form.</summary>
public sealed record HeldRecord(ClinicRecord Record, string WaitingFor)
{
    public override string ToString() => $"{Record.Source} record {Record.RecordId}: held, waiting for {WaitingFor}";
}
