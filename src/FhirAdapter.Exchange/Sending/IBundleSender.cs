using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Sending;

/// <summary>Delivers transaction Bundles to the configured destinations.</summary>
public interface IBundleSender
{
    /// <summary>
    /// Sends one Bundle (a patient's, or the Questionnaire Bundle) to each named destination. Waits while another send
    /// for the same key and destination is in flight. Never throws for what a destination answers: the result says,
    /// entry by entry, what was sent, what waits for a retry and what was rejected.
    /// </summary>
    /// <param name="patientKey">Opaque key: orders writes per patient and names the patient in logs. Never an MRN.</param>
    /// <param name="bundle">A transaction whose entries each have a resource, a fullUrl and a request.</param>
    /// <param name="destinations">Configured destination names this Bundle may go to.</param>
    Task<BundleSendResult> SendAsync(string patientKey, Bundle bundle, IReadOnlyCollection<string> destinations, CancellationToken cancellationToken = default);

    /// <summary>Sends many Bundles, different patients in parallel up to each destination's MaxConcurrency. Results in input order.</summary>
    Task<IReadOnlyList<BundleSendResult>> SendManyAsync(IEnumerable<PatientBundle> bundles, CancellationToken cancellationToken = default);
}
