using System.Collections.Concurrent;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// Remembers answers that depend only on a primitive's type and its literal (whether the literal is a valid value of
/// the type, whether it matches a regex), for the types whose literals repeat: uris and their kin, codes, ids, and
/// dates and times. Free text (string, markdown) is never kept. Bounded: past <see cref="Capacity"/> literals a
/// check computes its answer every time, as without the memo.
/// </summary>
internal sealed class LiteralMemo
{
    private const int Capacity = 20_000;

    private readonly ConcurrentDictionary<(Type Type, string Literal), bool> _answers = new();

    public bool Get(PrimitiveType primitive, string literal, Func<PrimitiveType, bool> compute)
    {
        if (!Keeps(primitive))
            return compute(primitive);
        var key = (primitive.GetType(), literal);
        if (_answers.TryGetValue(key, out var answer))
            return answer;
        answer = compute(primitive);
        if (_answers.Count < Capacity)
            _answers.TryAdd(key, answer);
        return answer;
    }

    private static bool Keeps(PrimitiveType primitive) =>
        primitive is FhirUri or Code or Id or FhirDateTime or Date or Instant or Time || primitive.GetType().IsGenericType; // Code<T>
}
