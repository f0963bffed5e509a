using System.Runtime.CompilerServices;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;

#pragma warning disable ExperimentalApi // Firely's schema assertions: the compiled form this plan is made from.

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// Walks the ElementSchemas Firely compiles for the clinic's resources and turns each assertion into a
/// <see cref="PlanCheck"/> with the same meaning. An assertion kind, a parameter or an invariant it does not know
/// becomes an <see cref="UnsupportedCheck"/>: any element that reaches it sends the resource to Firely.
/// </summary>
internal sealed class PlanCompiler
{
    private readonly IElementSchemaResolver _schemas;
    private readonly PackageTerminologyService _terminology;
    private readonly ProfilePackage _package;
    private readonly bool _reportUncheckedCodes;
    private readonly ValidationSettings _settings = new();
    private readonly FastPlan _plan = new();
    private readonly List<(SchemaRefCheck Ref, string Canonical)> _links = [];
    private readonly HashSet<string> _compiling = new(StringComparer.Ordinal);
    private readonly List<string> _unsupported = [];

    public PlanCompiler(IElementSchemaResolver schemas, PackageTerminologyService terminology, ProfilePackage package, bool reportUncheckedCodes)
    {
        _schemas = schemas;
        _terminology = terminology;
        _package = package;
        _reportUncheckedCodes = reportUncheckedCodes;
    }

    /// <summary>What the plan does not model, one line per assertion (kind and where), for the docs and reports.</summary>
    public IReadOnlyList<string> NotModelled => _unsupported;

    /// <summary>Compiles the schemas of <paramref name="canonicals"/> and everything they refer to.</summary>
    public FastPlan Compile(IEnumerable<string> canonicals)
    {
        foreach (var canonical in canonicals)
            Resolve(canonical);
        while (_links.Count > 0)
        {
            var links = _links.ToList();
            _links.Clear();
            foreach (var (reference, canonical) in links)
                reference.Target = Resolve(canonical) ?? Unsupported("unresolvable schema", canonical);
        }

        return _plan;
    }

    private PlanCheck? Resolve(string canonical)
    {
        if (_plan.Entry(canonical) is { } entry)
            return entry;
        if (!_compiling.Add(canonical))
            return null;

        ElementSchema? schema;
        try
        {
            var hash = canonical.IndexOf('#', StringComparison.Ordinal);
            schema = hash < 0
                ? _schemas.GetSchema(new Firely.Fhir.Validation.Canonical(canonical))
                : _schemas.GetSchema(new Firely.Fhir.Validation.Canonical(canonical[..hash])) is { } container ? FindFirstByAnchor(container, canonical[(hash + 1)..]) : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            schema = null;
        }

        if (schema is null)
            return null;

        var path = schema is FhirSchema fhir ? StructureDefinition(fhir).DataType : Id(schema) is { } anchor && anchor.StartsWith('#') ? anchor[1..] : canonical;
        var checks = new SchemaCheck { Canonical = canonical, PerElement = schema is DatatypeSchema, Describe = $"schema {canonical}" };
        PlanCheck entryCheck;
        string? resourceType = null;
        if (schema is FhirSchema f && StructureDefinition(f) is { IsAbstract: true } info && info.Derivation != StructureDefinitionInformation.TypeDerivationRule.Constraint)
        {
            entryCheck = new InstanceTypeCheck(_plan) { Describe = $"instance type of abstract {canonical}" };
        }
        else
        {
            entryCheck = schema switch
            {
                ExtensionSchema => new ExtensionSchemaCheck(_plan, checks) { Describe = $"extension {canonical}" },
                ResourceSchema => new ResourceRefCheck(_plan, canonical) { Describe = $"resource {canonical}" },
                _ => checks,
            };
            if (schema is ResourceSchema)
                resourceType = StructureDefinition((FhirSchema)schema).DataType;
            if (schema is ResourceSchema rs && StructureDefinition(rs).ImposeProfiles is { Length: > 0 })
                checks.Members = [Unsupported("imposeProfile", canonical)];
        }

        _plan.Add(canonical, checks, entryCheck, resourceType);
        if (checks.Members.Length == 0)
            Fill(checks, schema, path);
        return entryCheck;
    }

    private void Fill(SchemaCheck target, ElementSchema schema, string path)
    {
        var members = new List<PlanCheck>();
        var slices = new List<PlanCheck>();
        foreach (var assertion in Members(schema))
        {
            if (!Included(assertion))
                continue;
            var check = Compile(assertion, path);
            members.Add(check);
            if (assertion is SliceValidator)
                slices.Add(check);
        }

        target.Members = [.. members];
        target.SliceMembers = [.. slices];
    }

    private bool Included(IAssertion assertion) =>
        (_settings.IncludeFilters.Count == 0 || _settings.IncludeFilters.Any(f => f(assertion)))
        && !_settings.ExcludeFilters.Any(f => f(assertion));

    private PlanCheck Compile(IAssertion assertion, string path)
    {
        var where = $" @ {path}";
        switch (assertion)
        {
            case FhirSchema:
                return Unsupported("nested FHIR schema", path);
            case ElementSchema element:
            {
                var id = Id(element) is { } anchor && anchor.StartsWith('#') ? anchor[1..] : path;
                var nested = new SchemaCheck { Describe = "element" + $" @ {id}" };
                Fill(nested, element, id);
                return nested;
            }

            case SchemaReferenceValidator reference:
            {
                var check = new SchemaRefCheck { Describe = $"ref {reference.SchemaUri}{where}" };
                _links.Add((check, reference.SchemaUri.ToString()));
                return check;
            }

            case ChildrenValidator children:
                return new ChildrenCheck(
                    [.. children.ChildList.Select(c => new KeyValuePair<string, PlanCheck>(c.Key, Compile(c.Value, $"{path}.{c.Key}")))],
                    children.AllowAdditionalChildren, path) { Describe = $"children{where}" };
            case CardinalityValidator { Min: null or 0, Max: null }:
                return new PassCheck { Describe = $"cardinality 0..* (always met){where}" };
            case CardinalityValidator cardinality:
                return new CardinalityCheck(cardinality.Min, cardinality.Max) { Describe = $"cardinality {cardinality.Min}..{cardinality.Max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "*"}{where}" };
            case RequiredValidator required:
                return new RequiredCheck([.. required.RequiredMembers]) { Describe = $"required [{string.Join(",", required.RequiredMembers)}]{where}" };
            case FhirTypeLabelValidator label:
                return new TypeLabelCheck(label.Label) { Describe = $"type {label.Label}{where}" };
            case FhirEle1Validator:
                return new Ele1Check { Describe = $"invariant ele-1{where}" };
            case FhirExt1Validator:
                return new Ext1Check { Describe = $"invariant ext-1{where}" };
            case MaxLengthValidator maxLength:
                return new MaxLengthCheck(maxLength.MaximumLength) { Describe = $"maxLength {maxLength.MaximumLength}{where}" };
            case RegExValidator regex:
                return new RegexCheck(regex.Pattern) { Describe = $"regex {path}" };
            case FhirStringValidator:
                return new FhirStringCheck { Describe = $"non-empty string{where}" };
            case PrimitiveLiteralTypeValidator:
            case FhirUriValidator:
                return new ValidLiteralCheck { Describe = $"valid literal{where}" };
            case FhirPathValidator invariant:
                return Invariants.Find(invariant.Key, invariant.Expression) is { } predicate
                    ? new InvariantCheck(invariant.Key, invariant.Expression, predicate) { Describe = $"invariant {invariant.Key}{where}" }
                    : Unsupported($"invariant {invariant.Key} ({invariant.Expression})", path);
            case BindingValidator binding:
                return Binding(binding, path);
            case BindingMemo memo:
                return Binding(memo.Binding, path);
            case FixedValidator @fixed when @fixed.FixedValue.Poco is PrimitiveType { JsonValue: { } value } primitive && PatternCheck.Supported(primitive):
                return new FixedCheck(value, value.ToString()!) { Describe = $"fixed '{value}'{where}" };
            case PatternValidator pattern when PatternCheck.Supported(pattern.PatternValue.Poco):
                return new PatternCheck(pattern.PatternValue.Poco, Describe(pattern.PatternValue.Poco)) { Describe = $"pattern {Describe(pattern.PatternValue.Poco)}{where}" };
            case SliceValidator slice:
                return Slice(slice, path);
            case AllValidator all:
                return new AllCheck([.. all.Members.Where(Included).Select(m => Compile(m, path))]) { Describe = $"all{where}" };
            case ReferencedInstanceValidator reference:
                return Reference(reference, path);
            case MinMaxValueValidator minMax when minMax.Limit.Poco is PrimitiveType { JsonValue: int or long or decimal } limit:
                return new MinMaxCheck(Convert.ToDecimal(limit.JsonValue, System.Globalization.CultureInfo.InvariantCulture), minMax.MinMaxType == MinMaxValueValidator.ValidationMode.MinValue)
                    { Describe = $"{(minMax.MinMaxType == MinMaxValueValidator.ValidationMode.MinValue ? "min" : "max")} {limit.JsonValue}{where}" };
            case CanonicalValidator:
                return new CanonicalCheck { Describe = $"canonical{where}" };
            case UniqueContainedIdValidator:
                return new UniqueContainedIdsCheck { Describe = $"unique contained ids{where}" };
            case BaseTypeInvariantConstraintsValidator baseInvariants:
                return new BaseTypeInvariantsCheck(_plan, [.. AlreadyValidated(baseInvariants)]) { Describe = $"base type invariants{where}" };
            case ExtensionContextValidator context when context.Invariants.Count == 0:
                return new ExtensionContextCheck([.. context.Contexts.Select(c => (c.Type?.ToString() ?? "", c.Expression))]) { Describe = $"extension context{where}" };
            case DefinitionsAssertion:
            case BaseType:
                return new PassCheck { Describe = $"{assertion.GetType().Name}{where}" };
            case ResultAssertion result when result.Result == ValidationResult.Success:
                return new PassCheck { Describe = $"success{where}" };
            default:
                return Unsupported(assertion.GetType().Name, path);
        }
    }

    private PlanCheck Binding(BindingValidator binding, string path)
    {
        var where = $"binding {binding.Strength?.ToString().ToLowerInvariant()} {binding.ValueSetUri}{(path.Length > 0 ? " @ " + path : "")}";
        if (binding.Checks != CodedContentChecks.Default || !binding.Checks.HasFlag(CodedContentChecks.Concepts) || binding.Checks.HasFlag(CodedContentChecks.NonRequiredBindings))
            return Unsupported($"binding with checks {binding.Checks}", path);
        if (binding.Strength != BindingValidator.BindingStrength.Required)
            return new BindingCheck(false, binding.Strength == BindingValidator.BindingStrength.Extensible, null, false) { Describe = where };

        var url = binding.ValueSetUri.ToString();
        var contents = _terminology.GetContents(url);
        if (!contents.Known)
            return new BindingCheck(true, false, null, refuseAll: _package.Owns(url) || _reportUncheckedCodes) { Describe = where };
        if (!contents.IsCheckable)
            return new BindingCheck(true, false, null, refuseAll: _reportUncheckedCodes) { Describe = where };
        return new BindingCheck(true, false, contents, false) { Describe = where };
    }

    private PlanCheck Slice(SliceValidator slice, string path)
    {
        if (slice.MultiCase)
            return Unsupported("multi-case slicing", path);
        var conditions = new List<SliceCondition>();
        foreach (var @case in slice.Slices)
        {
            if (Condition(@case.Condition) is not { } condition)
                return Unsupported($"slice discriminator of '{@case.Name}' {@case.Condition.ToJson().ToString(Newtonsoft.Json.Formatting.None)}", path);
            conditions.Add(condition);
        }

        var defaultCheck = Compile(slice.Default, path + ":@default");
        return new SliceCheck(
            [.. conditions],
            [.. slice.Slices.Select(c => Compile(c.Assertion, $"{path}:{c.Name}"))],
            [.. slice.Slices.Select(c => c.Required)],
            defaultCheck, slice.Ordered, slice.DefaultAtEnd) { Describe = $"slicing [{string.Join(",", slice.Slices.Select(c => c.Name))}] @ {path}" };
    }

    private static SliceCondition? Condition(IAssertion assertion)
    {
        switch (assertion)
        {
            case FhirTypeLabelValidator label:
                return new TypeCondition(new TypeLabelCheck(label.Label));
            case FixedValidator f when f.FixedValue.Poco is PrimitiveType { JsonValue: { } value } p && PatternCheck.Supported(p):
                return new FixedCondition(new FixedCheck(value, ""));
            case PatternValidator pattern when PatternCheck.Supported(pattern.PatternValue.Poco):
                return new PatternCondition(new PatternCheck(pattern.PatternValue.Poco, ""));
            case BindingValidator binding when binding.Strength is BindingValidator.BindingStrength.Preferred or BindingValidator.BindingStrength.Example:
                // Checks nothing with the default checks: always successful.
                return new AlwaysCondition();
            case BindingValidator binding when binding.Strength is BindingValidator.BindingStrength.Extensible:
                // Only a concept with neither code nor text gets a message (a warning): not decided here.
                return new ExtensibleBindingCondition();
            case BindingMemo memo:
                return Condition(memo.Binding);
            case AllValidator all:
            {
                var members = all.Members.Select(Condition).ToList();
                return members.Any(m => m is null) ? null : new AllCondition([.. members!]);
            }

            case PathSelectorValidator selector:
            {
                var path = selector.Path == "$this" ? [] : selector.Path.Split('.');
                if (path.Any(step => step.Length == 0 || !char.IsAsciiLetter(step[0]) || !step.All(char.IsAsciiLetterOrDigit)))
                    return null;
                // A group assertion (allOf) judges all the selected elements together: none at all passes.
                if (selector.Other is IGroupValidatable and not AllValidator || Condition(selector.Other) is not { } inner)
                    return null;
                return new PathCondition(path, inner, group: selector.Other is AllValidator);
            }

            default:
                return null;
        }
    }

    private PlanCheck Reference(ReferencedInstanceValidator reference, string path)
    {
        if (reference.HasAggregation || reference.VersioningRules is not (null or ReferenceVersionRules.Either) || reference.Checks != ReferenceChecks.All
            || reference.Schema is not null || reference.TargetCases is null)
            return Unsupported("reference rules", path);
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var target in reference.TargetCases)
        {
            if (target.Schema is not SchemaReferenceValidator schema)
                return Unsupported("reference target", path);
            targets[target.Type] = schema.SchemaUri.ToString();
        }

        return new ReferenceCheck(_plan, targets) { Describe = $"reference to [{string.Join(",", targets.Keys)}] @ {path}" };
    }

    private UnsupportedCheck Unsupported(string what, string path)
    {
        var line = $"{what} @ {path}";
        _unsupported.Add(line);
        return new UnsupportedCheck { Describe = "not modelled: " + line };
    }

    private static string Describe(Base value) => value is PrimitiveType p ? $"'{p.JsonValue}'" : value.TypeName;

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "FindFirstByAnchor")]
    private static extern ElementSchema? FindFirstByAnchor(ElementSchema schema, string anchor);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Members")]
    private static extern IReadOnlyCollection<IAssertion> Members(ElementSchema schema);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Id")]
    private static extern Firely.Fhir.Validation.Canonical? IdOf(ElementSchema schema);

    private static string? Id(ElementSchema schema) => IdOf(schema)?.ToString();

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_StructureDefinition")]
    private static extern StructureDefinitionInformation StructureDefinition(FhirSchema schema);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_alreadyValidatedKeys")]
    private static extern ref string[] AlreadyValidated(BaseTypeInvariantConstraintsValidator validator);
}
