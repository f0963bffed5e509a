using System.Collections.Concurrent;
using FhirAdapter.Exchange.Options;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// Orders the sends: one at a time per patient and destination (conditional writes race on most servers), at most
/// MaxConcurrency patients at once per destination.
/// </summary>
internal sealed class BundleSender(IOptionsMonitor<ExchangeOptions> options, TransactionSender sender) : IBundleSender, IDisposable
{
    private readonly KeyedLock<(string Destination, string PatientKey)> _patients = new(new DestinationPatientComparer());
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new(StringComparer.OrdinalIgnoreCase);

    public async Task<BundleSendResult> SendAsync(string patientKey, Bundle bundle, IReadOnlyCollection<string> destinations, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientKey);
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(destinations);
        if (bundle.Type != Bundle.BundleType.Transaction)
        {
            throw new ArgumentException("Only transaction Bundles are sent", nameof(bundle));
        }

        if (bundle.Entry.Any(e => e.Resource is null || e.Request?.Method is null || string.IsNullOrEmpty(e.Request.Url)))
        {
            throw new ArgumentException("Every entry needs a resource and a request with method and url", nameof(bundle));
        }

        var current = options.CurrentValue;
        var targets = destinations.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(name => current.Find(name) ?? throw new ArgumentException($"No destination named '{name}' is configured", nameof(destinations)))
            .ToList();
        var results = await System.Threading.Tasks.Task.WhenAll(targets.Select(d => SendToAsync(d, patientKey, bundle, cancellationToken))).ConfigureAwait(false);
        return new BundleSendResult(patientKey, results);
    }

    public async Task<IReadOnlyList<BundleSendResult>> SendManyAsync(IEnumerable<PatientBundle> bundles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        var items = bundles.ToList();
        var results = new BundleSendResult[items.Count];

        // The per-destination slots do the real limiting; this only keeps enough work in flight to fill them.
        var parallelism = Math.Max(1, options.CurrentValue.Destinations.Sum(d => d.MaxConcurrency));
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await SendAsync(items[i].PatientKey, items[i].Bundle, items[i].Destinations, ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        return results;
    }

    private async Task<DestinationResult> SendToAsync(DestinationOptions destination, string patientKey, Bundle bundle, CancellationToken cancellationToken)
    {
        // The patient's turn first, then a slot: waiting for one's own earlier send must not hold a slot others could use.
        using var turn = await _patients.AcquireAsync((destination.Name, patientKey), cancellationToken).ConfigureAwait(false);
        var slots = _slots.GetOrAdd(destination.Name, _ => new SemaphoreSlim(destination.MaxConcurrency, destination.MaxConcurrency));
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await sender.SendAsync(destination, patientKey, bundle, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
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
