namespace FhirAdapter.Exchange.Sending;

/// <summary>
/// Cuts a transaction into chunks of at most N entries such that every reference points into the same chunk or an
/// earlier one; the sender then rewrites references to earlier chunks with the ids the server gave.
/// </summary>
internal static class BundleSplitter
{
    /// <param name="references">Per entry, the other entries it refers to (<see cref="Send.References"/>).</param>
    /// <param name="maxEntries">The most entries a chunk may have.</param>
    public static IReadOnlyList<IReadOnlyList<int>> Split(IReadOnlyList<int[]> references, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        if (references.Count <= maxEntries)
        {
            return [Enumerable.Range(0, references.Count).ToList()];
        }

        var order = DependencyOrder(references, out var cyclic);
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
    private static List<int> DependencyOrder(IReadOnlyList<int[]> references, out List<int> cyclic)
    {
        var count = references.Count;
        var dependents = new List<int>[count];
        var pending = new int[count];
        for (var i = 0; i < count; i++)
        {
            dependents[i] = [];
        }

        for (var i = 0; i < count; i++)
        {
            foreach (var t in references[i])
            {
                dependents[t].Add(i);
                pending[i]++;
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < count; i++)
        {
            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new List<int>(count);
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

        cyclic = Enumerable.Range(0, count).Where(i => pending[i] > 0).ToList();
        return order;
    }
}
