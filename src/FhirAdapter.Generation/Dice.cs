namespace FhirAdapter.Generation;

/// <summary>
/// The generator's only source of chance: a seeded <see cref="Random"/>, so that a seed always
/// gives the same records. Each patient gets a generator of its own, seeded from the run's seed
/// and the patient's number, so one patient's records never depend on how many came before.
/// </summary>
internal sealed class Dice
{
    private readonly Random _random;

    public Dice(int seed) => _random = new Random(seed);

    /// <summary>A well-mixed seed for one part of the run (SplitMix64's finalizer).</summary>
    public static int SeedFor(int seed, int number, int salt = 0)
    {
        unchecked
        {
            var x = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)number << 21) ^ ((ulong)(uint)salt * 0xC2B2AE3D27D4EB4FUL);
            x ^= x >> 30;
            x *= 0xBF58476D1CE4E5B9UL;
            x ^= x >> 27;
            x *= 0x94D049BB133111EBUL;
            x ^= x >> 31;
            return (int)(x & 0x7FFFFFFF);
        }
    }

    public bool Chance(double probability) => _random.NextDouble() < probability;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, both included.</summary>
    public int Between(int min, int max) => _random.Next(min, max + 1);

    public double Uniform(double min, double max) => min + (_random.NextDouble() * (max - min));

    /// <summary>A normally distributed value (Box-Muller), clamped to [min, max].</summary>
    public double Normal(double mean, double deviation, double min, double max)
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return Math.Clamp(mean + (z * deviation), min, max);
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public T Weighted<T>(IReadOnlyList<(T Value, double Weight)> items)
    {
        var total = 0.0;
        foreach (var item in items)
        {
            total += item.Weight;
        }

        var roll = _random.NextDouble() * total;
        foreach (var item in items)
        {
            roll -= item.Weight;
            if (roll < 0)
            {
                return item.Value;
            }
        }

        return items[^1].Value;
    }

    /// <summary>Between <paramref name="min"/> and <paramref name="max"/> distinct items, in their original order.</summary>
    public List<T> Some<T>(IReadOnlyList<T> items, int min, int max)
    {
        var count = Math.Min(items.Count, Between(min, max));
        var chosen = new SortedSet<int>();
        while (chosen.Count < count)
        {
            chosen.Add(_random.Next(items.Count));
        }

        return chosen.Select(i => items[i]).ToList();
    }
}
