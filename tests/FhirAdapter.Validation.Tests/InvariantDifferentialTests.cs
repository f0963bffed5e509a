using FhirAdapter.Testing;
using FhirAdapter.Testing.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

/// <summary>
/// Every invariant the fast path runs as a C# predicate, against Firely's evaluation of the same key and expression
/// on the same element: never true where Firely's is not, and seen both true and false where Firely agrees.
/// </summary>
[Collection(FastPathCollection.Name)]
public sealed class InvariantDifferentialTests(FastPathValidatorFixture fixture)
{
    [Fact]
    public void Every_invariant_predicate_is_true_only_where_Firelys_evaluation_of_the_expression_is()
    {
        var corpus = fixture.Golden.Concat(fixture.Generated).ToList();
        var differential = new InvariantDifferential(fixture.Validator, corpus);
        var report = new InvariantReport();

        foreach (var (key, resource, element) in InvariantCases.All())
            differential.Compare(key, resource, element, report);
        differential.Compare(Mutants(corpus), report);
        differential.Compare(corpus, report);

        var keys = differential.Modelled.Select(m => m.Key).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(keys.Count > 40, $"only {keys.Count} invariants modelled");
        Assert.True(report.Disagreements.IsEmpty, string.Join(Environment.NewLine, report.Disagreements.Take(20)));
        var missing = report.NotShownBothWays(keys).ToList();
        Assert.True(missing.Count == 0, "not seen both true and false where Firely agrees: " + string.Join("; ", missing.Select(report.Summary)));
    }

    // Single-point mutants of up to 40 resources of each type: deletions, emptied and malformed values, numbers at
    // the boundaries, codes and systems of other places, choice types, references.
    private static IEnumerable<Resource> Mutants(List<Resource> corpus)
    {
        var mutator = new Mutator(corpus);
        int[] kinds = [0, 3, 6, 7, 8, 9, 10, 13, 14, 16];
        foreach (var group in corpus.GroupBy(r => r.TypeName))
        {
            foreach (var (resource, i) in group.Take(40).Select((r, i) => (r, i)))
            {
                foreach (var kind in kinds)
                {
                    if (mutator.Mutate(resource, kind, site: i * 7 + kind, pick: i) is { } mutant)
                        yield return mutant;
                }
            }
        }
    }
}
