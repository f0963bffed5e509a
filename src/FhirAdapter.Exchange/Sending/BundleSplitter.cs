using FhirAdapter.Core.Privacy;
using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// Cuts a transaction into chunks of at most N entries such that every reference points into the same chunk or an
/// earlier one; the sender then rewrites references to earlier chunks with the ids the server gave.
/// </summary>
internal static class BundleSplitter
{
    public static IReadOnlyList<IReadOnlyList<int>> Split(IReadOnlyList<Bundle.EntryComponent> entries, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        if (entries.Count <= maxEntries)
        {
            return [Enumerable.Range(0, entries.Count).ToList()];
        }

        var order = DependencyOrder(entries, out var cyclic);
        var chunks = new List<IReadOnlyList<int>>();
        var current = new List<int>();
        foreach (var i in order)
        {
            if (current.Count == maxEntries)
            {
                chunks.Add(current);
                current = [];
            }

            current.Add(i);
        }

        if (current.Count > 0)
        {
            chunks.Add(current);
        }

        if (cyclic.Count > 0)
        {
            // Entries that reference each other in a cycle cannot be split apart: they travel together.
            chunks.Add(cyclic);
        }

        return chunks;
    }

    /// <summary>Kahn's algorithm, taking the lowest original index first so the mapper's order survives where it can.</summary>
    private static List<int> DependencyOrder(IReadOnlyList<Bundle.EntryComponent> entries, out List<int> cyclic)
    {
        var byFullUrl = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].FullUrl is { Length: > 0 } url)
            {
                byFullUrl.TryAdd(url, i);
            }
        }

        var dependents = new List<int>[entries.Count];
        var pending = new int[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            dependents[i] = [];
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Resource is not { } resource)
            {
                continue;
            }

            var targets = FhirElements.Descendants(resource).OfType<ResourceReference>()
                .Select(r => r.Reference is { } s && byFullUrl.TryGetValue(s, out var t) ? t : -1)
                .Where(t => t >= 0 && t != i)
                .Distinct();
            foreach (var t in targets)
            {
                dependents[t].Add(i);
                pending[i]++;
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new List<int>(entries.Count);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(i);
            foreach (var d in dependents[i])
            {
                if (--pending[d] == 0)
                {
                    ready.Enqueue(d, d);
                }
            }
        }

        cyclic = Enumerable.Range(0, entries.Count).Where(i => pending[i] > 0).ToList();
        return order;
    }
}
