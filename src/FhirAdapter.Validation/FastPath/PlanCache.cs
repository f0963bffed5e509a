using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// The compiled plan saved as data, so that a cold start loads it instead of compiling Firely's schemas: which check,
/// its parameters, and references to the plan's other checks by number; invariants by key and expression (looked up in
/// <see cref="Invariants"/>, which must know exactly that pair), patterns as FHIR JSON, expanded ValueSets as their codes.
/// The file carries the validation fingerprint (which names this assembly's code) and a SHA-256 of its body: a file
/// that is missing, of another fingerprint or format, damaged, or naming anything this code does not know is not
/// used (<see cref="TryRead"/> says why), and the plan is compiled as without a cache.
/// </summary>
internal static class PlanCache
{
    public const string FileName = "fast-plan.bin";

    private const string Magic = "kwc-fast-plan";
    private const int Format = 1;

    private static readonly Lazy<JsonSerializerOptions> Json = new(() => new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector));

    private enum Kind : byte
    {
        Schema,
        SchemaRef,
        InstanceType,
        All,
        Pass,
        Unsupported,
        Cardinality,
        Required,
        Children,
        TypeLabel,
        Ele1,
        Ext1,
        MaxLength,
        Regex,
        FhirString,
        ValidLiteral,
        Invariant,
        Binding,
        Fixed,
        Pattern,
        Slice,
        Reference,
        MinMax,
        Canonical,
        UniqueContainedIds,
        BaseTypeInvariants,
        ExtensionContext,
        ExtensionSchema,
        ResourceRef,
    }

    private enum ConditionKind : byte
    {
        Type,
        Fixed,
        Pattern,
        Always,
        ExtensibleBinding,
        Path,
        All,
    }

    /// <summary>
    /// Writes <paramref name="plan"/> to <paramref name="path"/>, atomically (a reader sees the old file or the new one).
    /// The package code check is left out: it is the package's, and the validator adds it to a loaded plan as to a
    /// compiled one.
    /// </summary>
    public static void Write(string path, string fingerprint, FastPlan plan, IReadOnlyList<string> notModelled)
    {
        var body = new PlanWriter(plan, notModelled).Body();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new BinaryWriter(file, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(Format);
                writer.Write(fingerprint);
                writer.Write(body.Length);
                writer.Write(SHA256.HashData(body));
                writer.Write(body);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The saved plan if <paramref name="path"/> holds one for exactly <paramref name="fingerprint"/>; else null and why.</summary>
    public static FastPlan? TryRead(string path, string fingerprint, out IReadOnlyList<string> notModelled, out string why)
    {
        notModelled = [];
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = e is FileNotFoundException or DirectoryNotFoundException ? "no saved plan" : $"the saved plan could not be read ({e.GetType().Name})";
            return null;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (reader.ReadString() != Magic || reader.ReadInt32() != Format)
            {
                why = "the saved plan is of another format";
                return null;
            }

            if (reader.ReadString() != fingerprint)
            {
                why = "the saved plan is of another validation fingerprint";
                return null;
            }

            var length = reader.ReadInt32();
            var hash = reader.ReadBytes(32);
            var body = reader.ReadBytes(length);
            if (body.Length != length || reader.BaseStream.Position != reader.BaseStream.Length || !SHA256.HashData(body).AsSpan().SequenceEqual(hash))
            {
                why = "the saved plan is damaged";
                return null;
            }

            var plan = new PlanReader(body).Read(out notModelled);
            why = "";
            return plan;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Fail closed: anything unexpected (a truncated file, a kind or an invariant this code does not know) means compile.
            why = $"the saved plan could not be loaded ({e.GetType().Name}: {e.Message})";
            notModelled = [];
            return null;
        }
    }

    private sealed class PlanWriter(FastPlan plan, IReadOnlyList<string> notModelled)
    {
        private readonly Dictionary<PlanCheck, int> _ids = new(ReferenceEqualityComparer.Instance);
        private readonly List<PlanCheck> _order = [];
        private readonly Dictionary<ValueSetContents, int> _contents = new(ReferenceEqualityComparer.Instance);

        public byte[] Body()
        {
            // In canonical order, so that the same plan always gives the same bytes.
            foreach (var (_, entry) in plan.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                Visit(entry);
            foreach (var (_, schema) in plan.Schemas.OrderBy(e => e.Key, StringComparer.Ordinal))
                Visit(schema);

            using var stream = new MemoryStream();
            using var w = new BinaryWriter(stream, Encoding.UTF8);
            w.Write(_contents.Count);
            foreach (var (contents, _) in _contents.OrderBy(c => c.Value))
            {
                w.Write(contents.Codings.Count);
                foreach (var (system, code) in contents.Codings.Order())
                {
                    WriteNullable(w, system);
                    w.Write(code);
                }
            }

            // Checks with settable links (schemas and schema references) first, then the others in an order where every
            // check comes after those it is made of, then the links: so the reader builds each with its parts at hand.
            var linked = _order.Where(c => c is SchemaCheck or SchemaRefCheck).ToList();
            w.Write(_order.Count);
            w.Write(linked.Count);
            foreach (var check in linked)
            {
                w.Write(_ids[check]);
                w.Write(check.Describe);
                if (check is SchemaCheck schema)
                {
                    w.Write((byte)Kind.Schema);
                    WriteNullable(w, schema.Canonical);
                    w.Write(schema.PerElement);
                }
                else
                {
                    w.Write((byte)Kind.SchemaRef);
                }
            }

            var others = _order.Where(c => c is not (SchemaCheck or SchemaRefCheck)).ToList();
            w.Write(others.Count);
            foreach (var check in others)
            {
                w.Write(_ids[check]);
                w.Write(check.Describe);
                WriteCheck(w, check);
            }

            foreach (var check in linked)
            {
                if (check is SchemaCheck schema)
                {
                    WriteIds(w, Saved(schema.Members));
                    WriteIds(w, schema.SliceMembers);
                }
                else
                {
                    w.Write(_ids[((SchemaRefCheck)check).Target]);
                }
            }

            WriteMap(w, plan.Schemas.ToDictionary(s => s.Key, s => _ids[s.Value], StringComparer.Ordinal));
            WriteMap(w, plan.Entries.ToDictionary(s => s.Key, s => _ids[s.Value], StringComparer.Ordinal));
            w.Write(plan.ResourceTypes.Count);
            foreach (var (canonical, type) in plan.ResourceTypes.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                w.Write(canonical);
                w.Write(type);
            }

            WriteStrings(w, notModelled);
            w.Flush();
            return stream.ToArray();
        }

        // Post-order over the parts a check is constructed with; schema members and reference targets are links set
        // afterwards, so a cycle through them is fine.
        private void Visit(PlanCheck check)
        {
            if (_ids.ContainsKey(check))
                return;
            _ids[check] = _ids.Count;
            foreach (var part in Parts(check))
                Visit(part);
            _order.Add(check);
            if (check is BindingCheck { Contents: { } contents } && !_contents.ContainsKey(contents))
                _contents[contents] = _contents.Count;
        }

        private static PlanCheck[] Saved(PlanCheck[] members) => members.OfType<PackageCodingCheck>().Any() ? [.. members.Where(m => m is not PackageCodingCheck)] : members;

        private static IEnumerable<PlanCheck> Parts(PlanCheck check) => check switch
        {
            SchemaCheck s => Saved(s.Members).Concat(s.SliceMembers),
            SchemaRefCheck r => [r.Target],
            AllCheck a => a.Members,
            ChildrenCheck c => c.Children.Select(x => x.Value),
            SliceCheck s => s.Assertions.Append(s.Default),
            ExtensionSchemaCheck e => [e.Self],
            _ => [],
        };

        private void WriteCheck(BinaryWriter w, PlanCheck check)
        {
            switch (check)
            {
                case InstanceTypeCheck:
                    w.Write((byte)Kind.InstanceType);
                    break;
                case AllCheck all:
                    w.Write((byte)Kind.All);
                    WriteIds(w, all.Members);
                    break;
                case PassCheck:
                    w.Write((byte)Kind.Pass);
                    break;
                case UnsupportedCheck:
                    w.Write((byte)Kind.Unsupported);
                    break;
                case CardinalityCheck cardinality:
                    w.Write((byte)Kind.Cardinality);
                    WriteNullable(w, cardinality.Min);
                    WriteNullable(w, cardinality.Max);
                    break;
                case RequiredCheck required:
                    w.Write((byte)Kind.Required);
                    WriteStrings(w, required.Names);
                    break;
                case ChildrenCheck children:
                    w.Write((byte)Kind.Children);
                    w.Write(children.Children.Length);
                    foreach (var (name, child) in children.Children)
                    {
                        w.Write(name);
                        w.Write(_ids[child]);
                    }

                    w.Write(children.AllowAdditional);
                    w.Write(children.DefinitionPath);
                    break;
                case TypeLabelCheck label:
                    w.Write((byte)Kind.TypeLabel);
                    w.Write(label.Label);
                    break;
                case Ele1Check:
                    w.Write((byte)Kind.Ele1);
                    break;
                case Ext1Check:
                    w.Write((byte)Kind.Ext1);
                    break;
                case MaxLengthCheck maxLength:
                    w.Write((byte)Kind.MaxLength);
                    w.Write(maxLength.Maximum);
                    break;
                case RegexCheck regex:
                    w.Write((byte)Kind.Regex);
                    w.Write(regex.Pattern);
                    break;
                case FhirStringCheck:
                    w.Write((byte)Kind.FhirString);
                    break;
                case ValidLiteralCheck:
                    w.Write((byte)Kind.ValidLiteral);
                    break;
                case InvariantCheck invariant:
                    w.Write((byte)Kind.Invariant);
                    w.Write(invariant.Key);
                    w.Write(invariant.Expression);
                    break;
                case BindingCheck binding:
                    w.Write((byte)Kind.Binding);
                    w.Write(binding.IsRequired);
                    w.Write(binding.IsExtensible);
                    w.Write(binding.RefusesAll);
                    w.Write(binding.Contents is { } contents ? _contents[contents] : -1);
                    break;
                case FixedCheck @fixed:
                    w.Write((byte)Kind.Fixed);
                    WriteFixed(w, @fixed);
                    break;
                case PatternCheck pattern:
                    w.Write((byte)Kind.Pattern);
                    WritePattern(w, pattern);
                    break;
                case SliceCheck slice:
                    w.Write((byte)Kind.Slice);
                    w.Write(slice.Conditions.Length);
                    foreach (var condition in slice.Conditions)
                        WriteCondition(w, condition);
                    WriteIds(w, slice.Assertions);
                    w.Write(slice.Required.Length);
                    foreach (var required in slice.Required)
                        w.Write(required);
                    w.Write(_ids[slice.Default]);
                    w.Write(slice.Ordered);
                    w.Write(slice.DefaultAtEnd);
                    break;
                case ReferenceCheck reference:
                    w.Write((byte)Kind.Reference);
                    WriteMap(w, reference.Targets);
                    break;
                case MinMaxCheck minMax:
                    w.Write((byte)Kind.MinMax);
                    w.Write(minMax.Limit);
                    w.Write(minMax.IsMinimum);
                    break;
                case CanonicalCheck:
                    w.Write((byte)Kind.Canonical);
                    break;
                case UniqueContainedIdsCheck:
                    w.Write((byte)Kind.UniqueContainedIds);
                    break;
                case BaseTypeInvariantsCheck baseInvariants:
                    w.Write((byte)Kind.BaseTypeInvariants);
                    WriteStrings(w, [.. baseInvariants.AlreadyValidated.Order(StringComparer.Ordinal)]);
                    break;
                case ExtensionContextCheck context:
                    w.Write((byte)Kind.ExtensionContext);
                    w.Write(context.Contexts.Length);
                    foreach (var (type, expression) in context.Contexts)
                    {
                        w.Write(type);
                        w.Write(expression);
                    }

                    break;
                case ExtensionSchemaCheck extension:
                    w.Write((byte)Kind.ExtensionSchema);
                    w.Write(_ids[extension.Self]);
                    break;
                case ResourceRefCheck resource:
                    w.Write((byte)Kind.ResourceRef);
                    w.Write(resource.Canonical);
                    break;
                default:
                    // A check this format does not know: no cache rather than a wrong one.
                    throw new NotSupportedException($"The plan cache cannot save a {check.GetType().Name}.");
            }
        }

        private static void WriteCondition(BinaryWriter w, SliceCondition condition)
        {
            switch (condition)
            {
                case TypeCondition type:
                    w.Write((byte)ConditionKind.Type);
                    w.Write(type.Label);
                    break;
                case FixedCondition @fixed:
                    w.Write((byte)ConditionKind.Fixed);
                    WriteFixed(w, @fixed.Check);
                    break;
                case PatternCondition pattern:
                    w.Write((byte)ConditionKind.Pattern);
                    WritePattern(w, pattern.Check);
                    break;
                case AlwaysCondition:
                    w.Write((byte)ConditionKind.Always);
                    break;
                case ExtensibleBindingCondition:
                    w.Write((byte)ConditionKind.ExtensibleBinding);
                    break;
                case PathCondition path:
                    w.Write((byte)ConditionKind.Path);
                    WriteStrings(w, path.Path);
                    WriteCondition(w, path.Inner);
                    w.Write(path.Group);
                    break;
                case AllCondition all:
                    w.Write((byte)ConditionKind.All);
                    w.Write(all.Members.Length);
                    foreach (var member in all.Members)
                        WriteCondition(w, member);
                    break;
                default:
                    throw new NotSupportedException($"The plan cache cannot save a {condition.GetType().Name}.");
            }
        }

        private static void WriteFixed(BinaryWriter w, FixedCheck check)
        {
            WriteValue(w, check.Value);
            w.Write(check.Display);
        }

        // A pattern as its CLR type and FHIR JSON (a primitive: its JSON value), read back into the same POCO.
        private static void WritePattern(BinaryWriter w, PatternCheck check)
        {
            w.Write(check.Pattern.GetType().AssemblyQualifiedName!);
            if (check.Pattern is PrimitiveType primitive)
            {
                w.Write(true);
                WriteValue(w, primitive.JsonValue ?? throw new NotSupportedException("A primitive pattern without a value."));
            }
            else
            {
                w.Write(false);
                w.Write(JsonSerializer.Serialize(check.Pattern, check.Pattern.GetType(), Json.Value));
            }

            w.Write(check.Display);
        }

        private static void WriteValue(BinaryWriter w, object value)
        {
            switch (value)
            {
                case string s:
                    w.Write((byte)0);
                    w.Write(s);
                    break;
                case bool b:
                    w.Write((byte)1);
                    w.Write(b);
                    break;
                case int i:
                    w.Write((byte)2);
                    w.Write(i);
                    break;
                case long l:
                    w.Write((byte)3);
                    w.Write(l);
                    break;
                case decimal d:
                    w.Write((byte)4);
                    w.Write(d);
                    break;
                default:
                    throw new NotSupportedException($"The plan cache cannot save a value of type {value.GetType().Name}.");
            }
        }

        private void WriteIds(BinaryWriter w, PlanCheck[] checks)
        {
            w.Write(checks.Length);
            foreach (var check in checks)
                w.Write(_ids[check]);
        }
    }

    private sealed class PlanReader(byte[] body)
    {
        private readonly FastPlan _plan = new();
        private PlanCheck[] _checks = [];
        private ValueSetContents[] _contents = [];

        public FastPlan Read(out IReadOnlyList<string> notModelled)
        {
            using var r = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
            _contents = new ValueSetContents[r.ReadInt32()];
            for (var i = 0; i < _contents.Length; i++)
            {
                var codings = new (string, string)[r.ReadInt32()];
                for (var j = 0; j < codings.Length; j++)
                    codings[j] = (ReadNullableString(r)!, r.ReadString());
                _contents[i] = ValueSetContents.Expanded(codings);
            }

            _checks = new PlanCheck[r.ReadInt32()];
            var linked = new PlanCheck[r.ReadInt32()];
            for (var i = 0; i < linked.Length; i++)
            {
                var id = r.ReadInt32();
                var describe = r.ReadString();
                linked[i] = _checks[id] = (Kind)r.ReadByte() switch
                {
                    Kind.Schema => new SchemaCheck { Describe = describe, Canonical = ReadNullableString(r), PerElement = r.ReadBoolean() },
                    Kind.SchemaRef => new SchemaRefCheck { Describe = describe },
                    var other => throw new InvalidDataException($"Unexpected linked check kind {other}."),
                };
            }

            var others = r.ReadInt32();
            for (var i = 0; i < others; i++)
            {
                var id = r.ReadInt32();
                var describe = r.ReadString();
                if (_checks[id] is not null)
                    throw new InvalidDataException($"Check {id} is defined twice.");
                _checks[id] = ReadCheck(r, describe);
            }

            foreach (var check in linked)
            {
                if (check is SchemaCheck schema)
                {
                    schema.Members = ReadIds(r);
                    schema.SliceMembers = ReadIds(r);
                }
                else
                {
                    ((SchemaRefCheck)check).Target = Check(r.ReadInt32());
                }
            }

            var schemas = ReadMap(r);
            var entries = ReadMap(r);
            var resourceTypes = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var n = r.ReadInt32(); n > 0; n--)
                resourceTypes[r.ReadString()] = r.ReadString();
            if (schemas.Keys.Any(k => !entries.ContainsKey(k)) || entries.Keys.Any(k => !schemas.ContainsKey(k)))
                throw new InvalidDataException("The schemas and entries of the saved plan differ.");
            foreach (var (canonical, id) in schemas)
            {
                if (Check(ParseId(id)) is not SchemaCheck schema)
                    throw new InvalidDataException($"The schema of {canonical} is not a schema check.");
                _plan.Add(canonical, schema, Check(ParseId(entries[canonical])), resourceTypes.GetValueOrDefault(canonical));
            }

            notModelled = ReadStrings(r);
            if (r.BaseStream.Position != r.BaseStream.Length)
                throw new InvalidDataException("The saved plan has trailing data.");
            return _plan;
        }

        private PlanCheck ReadCheck(BinaryReader r, string describe) => (Kind)r.ReadByte() switch
        {
            Kind.InstanceType => new InstanceTypeCheck(_plan) { Describe = describe },
            Kind.All => new AllCheck(ReadIds(r)) { Describe = describe },
            Kind.Pass => new PassCheck { Describe = describe },
            Kind.Unsupported => new UnsupportedCheck { Describe = describe },
            Kind.Cardinality => new CardinalityCheck(ReadNullableInt(r), ReadNullableInt(r)) { Describe = describe },
            Kind.Required => new RequiredCheck([.. ReadStrings(r)]) { Describe = describe },
            Kind.Children => ReadChildren(r, describe),
            Kind.TypeLabel => new TypeLabelCheck(r.ReadString()) { Describe = describe },
            Kind.Ele1 => new Ele1Check { Describe = describe },
            Kind.Ext1 => new Ext1Check { Describe = describe },
            Kind.MaxLength => new MaxLengthCheck(r.ReadInt32()) { Describe = describe },
            Kind.Regex => new RegexCheck(r.ReadString()) { Describe = describe },
            Kind.FhirString => new FhirStringCheck { Describe = describe },
            Kind.ValidLiteral => new ValidLiteralCheck { Describe = describe },
            Kind.Invariant => ReadInvariant(r, describe),
            Kind.Binding => ReadBinding(r, describe),
            Kind.Fixed => ReadFixed(r, describe),
            Kind.Pattern => ReadPattern(r, describe),
            Kind.Slice => ReadSlice(r, describe),
            Kind.Reference => new ReferenceCheck(_plan, ReadMap(r)) { Describe = describe },
            Kind.MinMax => new MinMaxCheck(r.ReadDecimal(), r.ReadBoolean()) { Describe = describe },
            Kind.Canonical => new CanonicalCheck { Describe = describe },
            Kind.UniqueContainedIds => new UniqueContainedIdsCheck { Describe = describe },
            Kind.BaseTypeInvariants => new BaseTypeInvariantsCheck(_plan, [.. ReadStrings(r)]) { Describe = describe },
            Kind.ExtensionContext => ReadExtensionContext(r, describe),
            Kind.ExtensionSchema => new ExtensionSchemaCheck(_plan, Check(r.ReadInt32()) as SchemaCheck ?? throw new InvalidDataException("An extension's schema is not a schema check.")) { Describe = describe },
            Kind.ResourceRef => new ResourceRefCheck(_plan, r.ReadString()) { Describe = describe },
            var other => throw new InvalidDataException($"Unknown check kind {other}."),
        };

        private ChildrenCheck ReadChildren(BinaryReader r, string describe)
        {
            var children = new KeyValuePair<string, PlanCheck>[r.ReadInt32()];
            for (var i = 0; i < children.Length; i++)
                children[i] = new(r.ReadString(), Check(r.ReadInt32()));
            return new ChildrenCheck(children, r.ReadBoolean(), r.ReadString()) { Describe = describe };
        }

        private static InvariantCheck ReadInvariant(BinaryReader r, string describe)
        {
            var key = r.ReadString();
            var expression = r.ReadString();
            var predicate = Invariants.Find(key, expression)
                ?? throw new InvalidDataException($"No predicate for invariant {key} with this expression.");
            return new InvariantCheck(key, expression, predicate) { Describe = describe };
        }

        private BindingCheck ReadBinding(BinaryReader r, string describe)
        {
            var required = r.ReadBoolean();
            var extensible = r.ReadBoolean();
            var refuseAll = r.ReadBoolean();
            var contents = r.ReadInt32();
            return new BindingCheck(required, extensible, contents < 0 ? null : _contents[contents], refuseAll) { Describe = describe };
        }

        private static FixedCheck ReadFixed(BinaryReader r, string describe) => new(ReadValue(r), r.ReadString()) { Describe = describe };

        private static PatternCheck ReadPattern(BinaryReader r, string describe)
        {
            var type = Type.GetType(r.ReadString(), throwOnError: true)!;
            Base pattern;
            if (r.ReadBoolean())
            {
                var primitive = (PrimitiveType)Activator.CreateInstance(type)!;
                primitive.JsonValue = ReadValue(r);
                pattern = primitive;
            }
            else
            {
                pattern = (Base)(JsonSerializer.Deserialize(r.ReadString(), type, Json.Value) ?? throw new InvalidDataException("An empty pattern."));
            }

            if (!PatternCheck.Supported(pattern))
                throw new InvalidDataException("A pattern the plan does not support.");
            return new PatternCheck(pattern, r.ReadString()) { Describe = describe };
        }

        private SliceCheck ReadSlice(BinaryReader r, string describe)
        {
            var conditions = new SliceCondition[r.ReadInt32()];
            for (var i = 0; i < conditions.Length; i++)
                conditions[i] = ReadCondition(r);
            var assertions = ReadIds(r);
            var required = new bool[r.ReadInt32()];
            for (var i = 0; i < required.Length; i++)
                required[i] = r.ReadBoolean();
            if (assertions.Length != conditions.Length || required.Length != conditions.Length)
                throw new InvalidDataException("A slicing whose slices do not line up.");
            return new SliceCheck(conditions, assertions, required, Check(r.ReadInt32()), r.ReadBoolean(), r.ReadBoolean()) { Describe = describe };
        }

        private static SliceCondition ReadCondition(BinaryReader r) => (ConditionKind)r.ReadByte() switch
        {
            ConditionKind.Type => new TypeCondition(new TypeLabelCheck(r.ReadString())),
            ConditionKind.Fixed => new FixedCondition(ReadFixed(r, "")),
            ConditionKind.Pattern => new PatternCondition(ReadPattern(r, "")),
            ConditionKind.Always => new AlwaysCondition(),
            ConditionKind.ExtensibleBinding => new ExtensibleBindingCondition(),
            ConditionKind.Path => new PathCondition([.. ReadStrings(r)], ReadCondition(r), r.ReadBoolean()),
            ConditionKind.All => new AllCondition([.. Enumerable.Range(0, r.ReadInt32()).Select(_ => ReadCondition(r))]),
            var other => throw new InvalidDataException($"Unknown slice condition kind {other}."),
        };

        private static ExtensionContextCheck ReadExtensionContext(BinaryReader r, string describe)
        {
            var contexts = new (string, string)[r.ReadInt32()];
            for (var i = 0; i < contexts.Length; i++)
                contexts[i] = (r.ReadString(), r.ReadString());
            return new ExtensionContextCheck(contexts) { Describe = describe };
        }

        private static int ParseId(string id) => int.Parse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);

        private PlanCheck Check(int id) =>
            (uint)id < (uint)_checks.Length && _checks[id] is { } check ? check : throw new InvalidDataException($"Check {id} is used before it is defined.");

        private PlanCheck[] ReadIds(BinaryReader r)
        {
            var ids = new PlanCheck[r.ReadInt32()];
            for (var i = 0; i < ids.Length; i++)
                ids[i] = Check(r.ReadInt32());
            return ids;
        }

        private static object ReadValue(BinaryReader r) => r.ReadByte() switch
        {
            0 => r.ReadString(),
            1 => r.ReadBoolean(),
            2 => r.ReadInt32(),
            3 => r.ReadInt64(),
            4 => r.ReadDecimal(),
            var other => throw new InvalidDataException($"Unknown value tag {other}."),
        };
    }

    private static void WriteMap<T>(BinaryWriter w, IReadOnlyDictionary<string, T> map)
    {
        w.Write(map.Count);
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(key);
            w.Write(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
        }
    }

    private static Dictionary<string, string> ReadMap(BinaryReader r)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var n = r.ReadInt32(); n > 0; n--)
            map.Add(r.ReadString(), r.ReadString());
        return map;
    }

    private static void WriteStrings(BinaryWriter w, IReadOnlyList<string> values)
    {
        w.Write(values.Count);
        foreach (var value in values)
            w.Write(value);
    }

    private static string[] ReadStrings(BinaryReader r)
    {
        var values = new string[r.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
            values[i] = r.ReadString();
        return values;
    }

    private static void WriteNullable(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
            w.Write(value);
    }

    private static string? ReadNullableString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteNullable(BinaryWriter w, int? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
            w.Write(v);
    }

    private static int? ReadNullableInt(BinaryReader r) => r.ReadBoolean() ? r.ReadInt32() : null;
}
