using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Sending;

/// <summary>A patient's transaction Bundle and the destinations it may go to (already decided by consent).</summary>
/// <param name="PatientKey">Opaque key used for per-patient ordering and in logs; never an MRN.</param>
public sealed record PatientBundle(string PatientKey, Bundle Bundle, IReadOnlyCollection<string> Destinations);
