using System.Collections;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// The instance elements a check looks at, as Firely's validator sees them: none, one, or the items of a POCO list.
/// A struct over the POCO's own storage, so that walking a resource allocates nothing per element. An element is a
/// POCO (<see cref="Hl7.Fhir.Model.Base"/>) or, for the few children the model keeps as plain strings
/// (<c>Element.id</c>, <c>Extension.url</c>), the string itself.
/// </summary>
internal readonly struct Nodes
{
    private readonly object? _one;
    private readonly IList? _many;

    private Nodes(object? one, IList? many)
    {
        _one = one;
        _many = many;
    }

    public int Count => _many?.Count ?? (_one is null ? 0 : 1);

    public object? this[int index] => _many is not null ? _many[index] : _one;

    public static Nodes Of(object? value) => value switch
    {
        null => default,
        IList list => new Nodes(null, list),
        _ => new Nodes(value, null),
    };
}
