using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// A transaction Bundle for one destination, with what that destination is known to hold of its entries. The caller
/// (which remembers every destination's ids) decides what goes; the exchange decides how.
/// </summary>
/// <param name="PatientKey">Opaque key: orders the writes of one patient and names the patient in logs. Never an MRN.</param>
/// <param name="Bundle">
/// A transaction: every entry has a fullUrl and a request whose url is the entry's conditional URL (its identity,
/// e.g. <c>Encounter?identifier=system|value</c>); a <c>DELETE</c> entry has no resource. References to resources
/// outside the Bundle are already <c>Type/id</c> at the destination.
/// </param>
public sealed record OutgoingBundle(string PatientKey, Bundle Bundle)
{
    /// <summary>The destination's id and version of entries it already holds, by the entry's fullUrl: those are
    /// written as <c>PUT Type/id</c> with <c>If-Match</c> (or <c>DELETE Type/id</c>).</summary>
    public IReadOnlyDictionary<string, ServerVersion> Known { get; init; } = new Dictionary<string, ServerVersion>();
}
