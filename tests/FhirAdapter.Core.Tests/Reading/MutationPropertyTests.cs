using System.Text.Json.Nodes;
using CsCheck;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Reading;

/// <summary>
/// Random damage to valid records (a field removed, replaced by any JSON value, the text cut or
/// garbled) must never crash reading or mapping, and every error must say where it came from.
/// </summary>
public sealed class MutationPropertyTests
{
    private static readonly string[] Kinds = ["form", "intake", "consent", "session"];

    private static readonly Gen<JsonNode?> AnyValue = Gen.OneOf<JsonNode?>(
        Gen.Const(static () => (JsonNode?)null),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Double[-1e9, 1e9].Select(d => (JsonNode?)JsonValue.Create(d)),
        Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.OneOf("", "2026-02-30", "2026-03-02T25:00:00-05:00", "entered-in-error", "KWC-004821", "9999999999")
            .Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Const(static () => (JsonNode?)new JsonObject()),
        Gen.Const(static () => (JsonNode?)new JsonArray(1, "x", null)));

    private static readonly Gen<Mutation> Mutations =
        Gen.Select(Gen.Int[0, Kinds.Length - 1], Gen.Int[0, 3], Gen.Int[0, int.MaxValue], AnyValue, Gen.Int[0, int.MaxValue])
            .Select((kind, how, pick, value, cut) => new Mutation(Kinds[kind], how, pick, value, cut));

    [Fact]
    public void Damaged_records_never_crash_and_every_error_names_its_file_and_record()
    {
        var form = RecordJson.Line(RecordJson.Example("form"));
        var intake = RecordJson.Line(RecordJson.Example("intake"));
        Mutations.Sample(mutation =>
        {
            var (text, recordId) = mutation.Apply();
            var items = Read.TextAsync("fuzz.ndjson", $"{form}\n{intake}\n{text}\n").GetAwaiter().GetResult();

            var set = new RecordSet();
            var conflicts = items.Select(i => i.Record).OfType<ClinicRecord>().Select(r => set.Add(r).Error).OfType<RecordError>().ToList();
            var mapped = new RecordMapper(new MappingOptions()).Map(set.Records);

            var errors = items.SelectMany(i => i.Errors).Concat(conflicts).Concat(mapped.Rejected).ToList();
            Assert.All(errors, e =>
            {
                Assert.Equal("fuzz.ndjson", e.Source.File);
                Assert.NotNull(e.Source.Line);
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            });

            // Once the record parses as JSON with its recordId intact, its errors name it.
            var parsesWithId = recordId is not null && !errors.Any(e => e.Message.StartsWith("is not valid JSON", StringComparison.Ordinal));
            if (parsesWithId)
            {
                Assert.All(errors.Where(e => e.Source.Line == 3), e => Assert.Equal(recordId, e.RecordId));
            }
        }, iter: 400);
    }

    private sealed record Mutation(string Kind, int How, int Pick, JsonNode? Value, int Cut)
    {
        public (string Text, string? RecordId) Apply()
        {
            var record = RecordJson.Example(Kind);
            var paths = Paths(record, "").ToList();
            var path = paths[Pick % paths.Count];
            switch (How)
            {
                case 0:
                    Remove(record, path);
                    break;
                case 1:
                    Replace(record, path, Value?.DeepClone());
                    break;
                case 2:
                    var text = RecordJson.Line(record);
                    return (text[..(Cut % text.Length)], null);
                default:
                    var garbled = RecordJson.Line(record).ToCharArray();
                    garbled[Cut % garbled.Length] = "{}[]\",:\\x0"[Cut % 10];
                    return (new string(garbled), null);
            }

            var id = record["recordId"] is JsonValue v && v.TryGetValue<string>(out var s) && RecordParserPattern.IsMatch(s) ? s : null;
            return (RecordJson.Line(record), id);
        }

        private static readonly System.Text.RegularExpressions.Regex RecordParserPattern = new("^[A-Za-z0-9._-]{1,64}$");

        private static IEnumerable<string> Paths(JsonNode node, string prefix)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        var path = prefix.Length == 0 ? key : $"{prefix}/{key}";
                        yield return path;
                        if (value is not null)
                        {
                            foreach (var p in Paths(value, path))
                            {
                                yield return p;
                            }
                        }
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        yield return $"{prefix}/{i}";
                        if (a[i] is { } item)
                        {
                            foreach (var p in Paths(item, $"{prefix}/{i}"))
                            {
                                yield return p;
                            }
                        }
                    }

                    break;
            }
        }

        private static (JsonNode Parent, string Last) Locate(JsonNode root, string path)
        {
            var parts = path.Split('/');
            var node = root;
            foreach (var part in parts[..^1])
            {
                node = node is JsonArray array ? array[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]! : node[part]!;
            }

            return (node, parts[^1]);
        }

        private static void Remove(JsonNode root, string path)
        {
            var (parent, last) = Locate(root, path);
            if (parent is JsonArray array)
            {
                array.RemoveAt(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                parent.AsObject().Remove(last);
            }
        }

        private static void Replace(JsonNode root, string path, JsonNode? value)
        {
            var (parent, last) = Locate(root, path);
            if (parent is JsonArray array)
            {
                array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
            }
            else
            {
                parent[last] = value;
            }
        }
    }
}
