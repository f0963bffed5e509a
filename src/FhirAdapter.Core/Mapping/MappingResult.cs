using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>What mapping a set of records produced, and what it could not map yet or at all.</summary>
public sealed record MappingResult(
    Bundle? Questionnaires,
    IReadOnlyList<PatientBundle> Patients,
    IReadOnlyList<HeldRecord> Held,
    IReadOnlyList<RecordError> Rejected);
