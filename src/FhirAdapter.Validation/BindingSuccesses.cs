using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Firely.Fhir.Validation;
using Hl7.Fhir.ElementModel;
using Hl7.Fhir.Model;

#pragma warning disable ExperimentalApi // BindingValidator and PocoNode: the schema members this memo stands in front of.

namespace FhirAdapter.Validation;

/// <summary>
/// Remembers which coded values passed which required binding, so that a value seen before skips Firely's terminology
/// round trip (a thread-pool hop and a blocking wait per binding: a third of the time of a vital-signs Observation).
/// A binding's result depends only on the binding and on the value the BindingValidator reads (the element's type,
/// its parsed code, coding or concept, and for a primitive its literal); the key holds all of that, so a remembered
/// success is exactly the result Firely would give again. Failures are never remembered: they are computed each time,
/// with their messages and locations. Bounded, so a stream of free-text concepts cannot grow it without end.
/// </summary>
internal sealed class BindingSuccesses
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, byte> _passed = new(StringComparer.Ordinal);

    public bool Contains(string key) => _passed.ContainsKey(key);

    public void Add(string key)
    {
        if (_passed.Count < MaxEntries)
            _passed.TryAdd(key, 0);
    }

    /// <summary>The memo key of <paramref name="input"/> under <paramref name="binding"/>, or null when the value is not one to remember.</summary>
    public static string? KeyOf(BindingValidator binding, PocoNode input)
    {
        // Only required bindings call the terminology service (with Firely's default checks).
        if (binding.Strength != BindingValidator.BindingStrength.Required)
            return null;

        var key = new StringBuilder(128)
            .Append(binding.ValueSetUri).Append('\u001f')
            .Append(binding.AbstractAllowed).Append((int)binding.Checks).Append('\u001f')
            .Append(input.Poco.GetType().FullName).Append('\u001f')
            .Append(((ITypedElement)input).InstanceType).Append('\u001f');

        if (input is PrimitiveNode primitive)
        {
            // The literal decides whether Firely skips the binding (a wrongly typed literal) and what code it reads.
            return AppendValue(key, primitive.Primitive.JsonValue).ToString();
        }

        return ((ITypedElement)input).ParseBindable() switch
        {
            Code code => AppendValue(key.Append("code:"), code.Value).ToString(),
            Coding coding => AppendCoding(key.Append("coding:"), coding).ToString(),
            CodeableConcept concept => AppendConcept(key, concept),
            _ => null,
        };
    }

    private static string AppendConcept(StringBuilder key, CodeableConcept concept)
    {
        AppendValue(key.Append("concept:"), concept.Text);
        foreach (var coding in concept.Coding)
            AppendCoding(key.Append('\u001d'), coding);
        return key.ToString();
    }

    private static StringBuilder AppendCoding(StringBuilder key, Coding coding)
    {
        AppendValue(key, coding.System).Append('\u001e');
        AppendValue(key, coding.Version).Append('\u001e');
        AppendValue(key, coding.Code).Append('\u001e');
        AppendValue(key, coding.Display).Append('\u001e');
        return AppendValue(key, coding.UserSelected);
    }

    // Type-tagged, so that a missing value, an empty string and a value of another type all differ.
    private static StringBuilder AppendValue(StringBuilder key, object? value) => value is null
        ? key.Append('\u0000')
        : key.Append(value.GetType().Name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
}
