using System.Collections;
using Hl7.Fhir.Model;

namespace FhirAdapter.Testing.Validation;

/// <summary>
/// Single-point mutants of a resource, for holding the validation fast path to Firely: an element deleted, duplicated
/// or reordered; a primitive emptied, padded, made overlong or malformed; a number at a boundary; a code or system
/// swapped for one of another ValueSet or slice; a choice type swapped; an unknown child or extension; a reference or
/// contained resource edited; another meta.profile. Deterministic in its arguments (CsCheck draws and shrinks them).
/// </summary>
public sealed class Mutator
{
    public const int Kinds = 18;

    private static readonly object[] BoundaryIntegers = [-1, 0, 1, 2, 5, 6, 21, 22, 27, 28, 40, 41, 92, 93, int.MaxValue, 2_147_483_648L];
    private static readonly decimal[] BoundaryDecimals = [-1m, 0m, 0.5m, 100m, 100.01m, 1e12m];
    private static readonly string[] References = ["#missing", "Patient/1", "Practitioner/2", "Encounter/3", "http://example.org/fhir/Patient/1", "urn:uuid:0", "", " ", "#"];
    private static readonly string[] Malformed = ["not a value", "2024-13-45", "12x", "true ", "http://exa mple.org", "-", "2024-01-01T25:00:00Z", "0.", "+1"];

    private readonly string[] _codes;
    private readonly string[] _systems;
    private readonly string[] _profiles;
    private readonly string[] _extensions;

    /// <param name="corpus">Resources whose codes, systems, profiles and extension urls the mutants borrow.</param>
    public Mutator(IEnumerable<Resource> corpus)
    {
        var all = corpus.ToList();
        var codings = all.SelectMany(r => Walk(r)).Select(s => s.Value).OfType<Coding>().ToList();
        _codes = [.. codings.Select(c => c.Code).OfType<string>().Distinct().Order(StringComparer.Ordinal), "x-unknown"];
        _systems = [.. codings.Select(c => c.System).OfType<string>().Distinct().Order(StringComparer.Ordinal), "http://example.org/unknown-system"];
        _profiles = [.. all.SelectMany(r => r.Meta?.Profile ?? []).Distinct().Order(StringComparer.Ordinal), "https://fhir.kwc.example/StructureDefinition/unknown-profile"];
        _extensions = [.. all.SelectMany(r => Walk(r)).Select(s => s.Value).OfType<Extension>().Select(e => e.Url).OfType<string>().Distinct().Order(StringComparer.Ordinal),
            "http://example.org/fhir/StructureDefinition/unknown-extension"];
    }

    /// <summary>A copy of <paramref name="original"/> with one mutation of <paramref name="kind"/> at the site <paramref name="site"/> picks, or null when the kind has no site here.</summary>
    public Resource? Mutate(Resource original, int kind, int site, int pick)
    {
        var copy = (Resource)original.DeepCopy();
        var candidates = kind is 14 or 15 or 17 ? [new Site(copy, "", copy, null, -1)] : Walk(copy).Where(s => Suits(kind, s)).ToList();
        if (candidates.Count == 0)
            return null;
        return Apply(copy, kind, candidates[(int)((uint)site % (uint)candidates.Count)], pick);
    }

    /// <summary>
    /// A copy of <paramref name="original"/> with one mutation of <paramref name="kind"/> at the element that is
    /// <paramref name="siteIndex"/>-th in <see cref="Walk"/> order (the targeted mutants of the proof's coverage), or
    /// null when the kind does not suit that element.
    /// </summary>
    public Resource? MutateAt(Resource original, int kind, int siteIndex, int pick)
    {
        var copy = (Resource)original.DeepCopy();
        if (kind is 14 or 15 or 17)
            return Apply(copy, kind, new Site(copy, "", copy, null, -1), pick);
        // -1: the resource itself (an unknown child or an extension of its own).
        var at = siteIndex < 0 ? new Site(copy, "", copy, null, -1) : Walk(copy).ElementAtOrDefault(siteIndex);
        return at is not null && (siteIndex < 0 ? kind is 11 or 12 : Suits(kind, at)) ? Apply(copy, kind, at, pick) : null;
    }

    private static bool Suits(int kind, Site s) => kind switch
    {
        0 => true,
        1 or 2 => s.List is not null,
        3 or 4 or 5 or 6 => s.Value is PrimitiveType,
        7 => s.Value is Integer or FhirDecimal or PositiveInt or UnsignedInt,
        8 or 9 => s.Value is Coding,
        10 => s.Value is DataType && IsChoice(s.Parent, s.Name),
        11 or 12 or 16 => s.Value is Element,
        13 => s.Value is ResourceReference,
        _ => false,
    };

    private Resource? Apply(Resource copy, int kind, Site at, int pick)
    {
        switch (kind)
        {
            case 0: // delete
                if (at.List is { } list)
                    list.RemoveAt(at.Index);
                else
                    at.Parent.SetValue(at.Name, null);
                break;
            case 1: // duplicate
                at.List!.Insert(at.Index, ((Base)at.Value).DeepCopy());
                break;
            case 2: // reorder
                if (at.List!.Count < 2)
                    return null;
                var item = at.List[at.Index];
                at.List.RemoveAt(at.Index);
                at.List.Insert((at.Index + 1 + pick % (at.List.Count)) % (at.List.Count + 1), item);
                break;
            case 3: // empty
                ((PrimitiveType)at.Value).JsonValue = "";
                break;
            case 4: // whitespace
                var primitive = (PrimitiveType)at.Value;
                primitive.JsonValue = pick % 2 == 0 ? "  " : " " + primitive.JsonValue + " ";
                break;
            case 5: // overlong
                ((PrimitiveType)at.Value).JsonValue = new string('a', pick % 2 == 0 ? 65 : 1_048_577);
                break;
            case 6: // malformed
                ((PrimitiveType)at.Value).JsonValue = Malformed[pick % Malformed.Length];
                break;
            case 7: // boundary number
                ((PrimitiveType)at.Value).JsonValue = at.Value is FhirDecimal ? BoundaryDecimals[pick % BoundaryDecimals.Length] : BoundaryIntegers[pick % BoundaryIntegers.Length];
                break;
            case 8: // code of another ValueSet or slice
                ((Coding)at.Value).Code = _codes[pick % _codes.Length];
                break;
            case 9: // system swapped
                ((Coding)at.Value).System = _systems[pick % _systems.Length];
                break;
            case 10: // choice type swapped
                at.Parent.SetValue(at.Name, ChoiceValue(pick));
                break;
            case 11: // unknown child
                if (pick % 2 == 0)
                    at.Value.SetValue("unknownElement" + pick % 3, new FhirString("x"));
                else
                    Extensions(at.Value)?.Add(new Extension(_extensions[pick % _extensions.Length], new FhirString("x")));
                break;
            case 12: // an extension with both a value and extensions, or an empty one
                Extensions(at.Value)?.Add(pick % 2 == 0
                    ? new Extension(_extensions[pick % _extensions.Length], new FhirString("x")) { Extension = [new Extension("http://example.org/inner", new FhirString("y"))] }
                    : new Extension { Url = _extensions[pick % _extensions.Length] });
                break;
            case 13: // reference edited
                ((ResourceReference)at.Value).Reference = References[pick % References.Length];
                break;
            case 14: // contained edited
                if (copy is not DomainResource domain)
                    return null;
                if (domain.Contained.Count == 0 || pick % 3 == 0)
                    domain.Contained.Add(new Medication { Id = pick % 2 == 0 ? "med" : "extra", Code = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130") });
                else if (pick % 3 == 1)
                    domain.Contained.RemoveAt(0);
                else
                    domain.Contained[0].Id = "renamed";
                break;
            case 15: // meta.profile
                copy.Meta ??= new Meta();
                if (pick % 3 == 0)
                    copy.Meta.Profile = [];
                else if (pick % 3 == 1)
                    copy.Meta.Profile = [_profiles[pick % _profiles.Length]];
                else
                    copy.Meta.Profile = [.. copy.Meta.Profile, _profiles[pick % _profiles.Length]];
                break;
            case 17: // a contained resource that may not be one (dom-2, dom-4, dom-5)
                if (copy is not DomainResource holder)
                    return null;
                var inner = new Medication { Id = "med", Code = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130") };
                _ = (pick % 4) switch
                {
                    0 => inner.Meta = new Meta { VersionId = "1" },
                    1 => inner.Meta = new Meta { LastUpdated = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) },
                    2 => inner.Meta = new Meta { Security = [new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R")] },
                    _ => (object)(inner.Contained = [new Medication { Id = "inner" }]),
                };
                if (holder.Contained.Count > 0 && pick % 2 == 1)
                    holder.Contained[0] = inner;
                else
                    holder.Contained.Add(inner);
                break;
            case 16: // an element emptied (ele-1)
                if (at.Value is PrimitiveType p)
                    p.JsonValue = null;
                else
                    at.Parent.SetValue(at.Name, at.List is null ? Activator.CreateInstance(at.Value.GetType()) : null);
                if (at.List is { } l && at.Value is not PrimitiveType)
                    l[at.Index] = Activator.CreateInstance(at.Value.GetType());
                break;
        }

        return copy;
    }

    /// <summary>The kinds by name, for reports.</summary>
    public static string KindName(int kind) => kind switch
    {
        0 => "delete", 1 => "duplicate", 2 => "reorder", 3 => "empty", 4 => "whitespace", 5 => "overlong", 6 => "malformed",
        7 => "boundary number", 8 => "other code", 9 => "other system", 10 => "choice type", 11 => "unknown child or extension",
        12 => "bad extension", 13 => "reference", 14 => "contained", 15 => "meta.profile", 16 => "emptied element",
        17 => "contained with meta or contained", _ => "?",
    };

    private static List<Extension>? Extensions(Base value) => value switch
    {
        Element e => e.Extension,
        DomainResource r => r.Extension,
        _ => null,
    };

    private static DataType ChoiceValue(int pick) => (pick % 8) switch
    {
        0 => new FhirString("x"),
        1 => new Integer(3),
        2 => new CodeableConcept("http://loinc.org", "8867-4"),
        3 => new Period { Start = "2024-01-01T10:00:00Z" },
        4 => new Quantity(1, "mg") { System = "http://unitsofmeasure.org" },
        5 => new FhirBoolean(true),
        6 => new FhirDateTime("2024-01-01"),
        _ => new Coding("http://loinc.org", "8867-4"),
    };

    internal static bool IsChoice(Base parent, string name) =>
        Hl7.Fhir.Model.ModelInfo.ModelInspector.FindOrImportClassMapping(parent.GetType())?.FindMappedElementByName(name)?.Choice is not null and not Hl7.Fhir.Introspection.ChoiceType.None;

    /// <summary>A place in a resource: the element, its parent and name, and its list and index when it is in one.</summary>
    public sealed record Site(Base Parent, string Name, Base Value, IList? List, int Index);

    public static IEnumerable<Site> Walk(Base node)
    {
        foreach (var (name, value) in node.EnumerateElements().ToList())
        {
            if (value is Base one)
            {
                yield return new Site(node, name, one, null, -1);
                if (one is not PrimitiveType)
                {
                    foreach (var site in Walk(one))
                        yield return site;
                }
            }
            else if (value is IList list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not Base item)
                        continue;
                    yield return new Site(node, name, item, list, i);
                    if (item is not PrimitiveType)
                    {
                        foreach (var site in Walk(item))
                            yield return site;
                    }
                }
            }
        }
    }
}
