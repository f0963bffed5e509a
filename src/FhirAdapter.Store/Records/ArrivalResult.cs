using FhirAdapter.Core.Reading;

namespace FhirAdapter.Store.Records;

/// <summary>What the version rules made of one arriving record.</summary>
public sealed record ArrivalResult(RecordKind Kind, string RecordId, VersionOutcome Outcome, string? PatientKey);
