using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// Remembers answers that depend only on a primitive's type and its literal (whether the literal is a valid value of
/// the type, whether it matches a regex), for the types whose literals repeat: uris and their kin, codes, ids, and
/// dates and times. Free text (string, markdown) is never kept. A fixed table where a new literal takes the place of
/// the one it collides with: bounded, and without locks (an entry is written whole, by one reference).
/// </summary>
internal sealed class LiteralMemo
{
    private const int Size = 2048;

    private readonly Entry?[] _entries = new Entry?[Size];

    public bool Get(PrimitiveType primitive, string literal, Func<PrimitiveType, bool> compute)
    {
        if (!Keeps(primitive))
            return compute(primitive);
        var type = primitive.GetType();
        var slot = (literal.GetHashCode() ^ type.GetHashCode()) & (Size - 1);
        if (Volatile.Read(ref _entries[slot]) is { } entry && ReferenceEquals(entry.Type, type) && string.Equals(entry.Literal, literal, StringComparison.Ordinal))
            return entry.Answer;
        var answer = compute(primitive);
        Volatile.Write(ref _entries[slot], new Entry(type, literal, answer));
        return answer;
    }

    private static bool Keeps(PrimitiveType primitive) =>
        primitive is FhirUri or Code or Id or FhirDateTime or Date or Instant or Time || primitive.GetType().IsGenericType; // Code<T>

    private sealed record Entry(Type Type, string Literal, bool Answer);
}
