using System.Collections.Concurrent;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// Something computed once per POCO type, for one check. A check nearly always meets one type, so the last type seen
/// is kept beside the dictionary and a lookup is a reference comparison (the pair is replaced whole, never torn).
/// </summary>
internal sealed class TypeCache<T>(Func<Type, T> compute)
{
    private readonly ConcurrentDictionary<Type, T> _all = new();
    private Seen? _last;

    public T For(Type type)
    {
        if (_last is { } last && ReferenceEquals(last.Type, type))
            return last.Value;
        var value = _all.GetOrAdd(type, compute);
        _last = new Seen(type, value);
        return value;
    }

    private sealed record Seen(Type Type, T Value);
}
