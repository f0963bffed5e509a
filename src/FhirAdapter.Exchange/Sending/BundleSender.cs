using System.Collections.Concurrent;
using FhirAdapter.Exchange.Options;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// Orders the sends: one at a time per patient and destination (that patient's resources have one writer), at most
/// MaxConcurrency patients at once per destination.
/// </summary>
internal sealed class BundleSender(IOptionsMonitor<ExchangeOptions> options, TransactionSender sender) : IBundleSender, IDisposable
{
    private readonly KeyedLock<(string Destination, string PatientKey)> _patients = new(new DestinationPatientComparer());
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new(StringComparer.OrdinalIgnoreCase);

    public async Task<DestinationResult> SendAsync(string destination, OutgoingBundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var target = Find(destination);
        Check(bundle);

        // The patient's turn first, then a slot: waiting for one's own earlier send must not hold a slot others could use.
        using var turn = await _patients.AcquireAsync((target.Name, bundle.PatientKey), cancellationToken).ConfigureAwait(false);
        var slots = _slots.GetOrAdd(target.Name, _ => new SemaphoreSlim(target.MaxConcurrency, target.MaxConcurrency));
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await sender.SendAsync(target, bundle, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    public async Task<IReadOnlyList<DestinationResult>> SendManyAsync(string destination, IReadOnlyList<OutgoingBundle> bundles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        var target = Find(destination);
        var results = new DestinationResult[bundles.Count];

        // The destination's slots do the real limiting; this only keeps enough work in flight to fill them.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, bundles.Count),
            new ParallelOptions { MaxDegreeOfParallelism = target.MaxConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await SendAsync(target.Name, bundles[i], ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        return results;
    }

    private DestinationOptions Find(string destination) =>
        options.CurrentValue.Find(destination) ?? throw new ArgumentException($"No destination named '{destination}' is configured", nameof(destination));

    private static void Check(OutgoingBundle bundle)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bundle.PatientKey);
        ArgumentNullException.ThrowIfNull(bundle.Bundle);
        if (bundle.Bundle.Type != Bundle.BundleType.Transaction)
        {
            throw new ArgumentException("Only transaction Bundles are sent", nameof(bundle));
        }

        if (bundle.Bundle.Entry.Any(e => string.IsNullOrEmpty(e.FullUrl) || e.Request?.Method is null || string.IsNullOrEmpty(e.Request.Url)
            || (e.Resource is null) != (e.Request.Method == Bundle.HTTPVerb.DELETE)))
        {
            throw new ArgumentException("Every entry needs a fullUrl, a request with method and url, and a resource unless it is a DELETE", nameof(bundle));
        }

        if (bundle.Bundle.Entry.Any(e => e.Request!.Method == Bundle.HTTPVerb.DELETE && !bundle.Known.ContainsKey(e.FullUrl!)))
        {
            throw new ArgumentException("A DELETE entry deletes by id: its server id must be known", nameof(bundle));
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Dispose();
        }
    }

    private sealed class DestinationPatientComparer : IEqualityComparer<(string Destination, string PatientKey)>
    {
        public bool Equals((string Destination, string PatientKey) x, (string Destination, string PatientKey) y) =>
            string.Equals(x.Destination, y.Destination, StringComparison.OrdinalIgnoreCase) && string.Equals(x.PatientKey, y.PatientKey, StringComparison.Ordinal);

        public int GetHashCode((string Destination, string PatientKey) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Destination), StringComparer.Ordinal.GetHashCode(obj.PatientKey));
    }
}
