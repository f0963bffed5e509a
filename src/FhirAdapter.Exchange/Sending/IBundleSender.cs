namespace FhirAdapter.Exchange.Sending;

/// <summary>Writes transaction Bundles to a configured destination.</summary>
public interface IBundleSender
{
    /// <summary>
    /// Sends one Bundle to the named destination. Waits while another send for the same patient and destination is in
    /// flight. Never throws for what the destination answers: the result says, entry by entry, what was stored, what
    /// waits for a retry or a conflict to pass, and what was rejected.
    /// </summary>
    Task<DestinationResult> SendAsync(string destination, OutgoingBundle bundle, CancellationToken cancellationToken = default);

    /// <summary>Sends many Bundles to one destination, different patients in parallel up to its MaxConcurrency. Results in input order.</summary>
    Task<IReadOnlyList<DestinationResult>> SendManyAsync(string destination, IReadOnlyList<OutgoingBundle> bundles, CancellationToken cancellationToken = default);
}
