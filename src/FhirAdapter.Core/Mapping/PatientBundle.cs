using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>One patient's transaction Bundle, named by the opaque patient key, with the records it came from.</summary>
public sealed record PatientBundle(string PatientKey, Bundle Bundle, IReadOnlyList<string> SourceRecordIds);
