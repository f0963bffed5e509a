using FhirAdapter.Core.Generation;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Testing;
using FhirAdapter.Testing.Validation;
using FhirAdapter.Validation.FastPath;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

/// <summary>
/// The validation fast path held to Firely's full validation: every golden resource, every resource of a generated
/// clinic, and single-point mutants of them drawn by CsCheck; whenever the fast path accepts, Firely's outcome has
/// no issue. The large run (100,000+ mutants) is `FhirAdapter.Benchmarks differential`.
/// </summary>
public sealed class FastPathDifferentialTests(FastPathValidatorFixture fixture, FastPathDifferentialTests.MutantRun run)
    : IClassFixture<FastPathValidatorFixture>, IClassFixture<FastPathDifferentialTests.MutantRun>
{
    /// <summary>Mutants per resource kind in the suite (about 20 s of Firely on two cores).</summary>
    private const int MutantsPerKind = 250;

    [Fact]
    public void Every_golden_resource_the_fast_path_accepts_is_valid_without_a_message_under_Firely()
    {
        var golden = DifferentialReport.Load(RepoPaths.Expected).ToList();
        var report = new FastPathDifferential(fixture.Validator, golden).CheckAll(golden);

        Assert.True(report.Cases > 2000, report.Summary());
        Assert.Empty(report.Disagreements);
        Assert.True(report.Accepted > report.Cases * 9 / 10, "the fast path should accept nearly every golden resource: " + report.Summary());
    }

    [Fact]
    public void Every_resource_of_a_generated_clinic_the_fast_path_accepts_is_valid_without_a_message_under_Firely()
    {
        var resources = MutantRun.GeneratedClinic();
        var report = new FastPathDifferential(fixture.Validator, resources).CheckAll(resources);

        Assert.True(report.Cases > 1000, report.Summary());
        Assert.Empty(report.Disagreements);
        Assert.True(report.Accepted > report.Cases * 9 / 10, report.Summary());
    }

    // Not yet passing: each run finds a case where the plan accepts what Firely does not (see docs/validation.md,
    // "Where the proof stands"); the fast path stays off by default until it passes.
    [Fact(Skip = "The fast path is not yet proven: the mutant run still finds disagreements (docs/validation.md).")]
    public void Mutants_the_fast_path_accepts_are_valid_without_a_message_under_Firely()
    {
        var report = run.Report(fixture.Validator);

        Assert.True(report.Disagreements.IsEmpty, string.Join(Environment.NewLine, report.Disagreements));
        Assert.True(report.Cases > MutantsPerKind * 10, report.Summary());
        Assert.True(report.Accepted > 0 && report.Rejected > report.Cases / 10, report.Summary());
    }

    [Fact(Skip = "Needs a mutant run without disagreements (it stops at the first one): see above.")]
    public void Every_kind_of_check_turns_away_a_mutant_that_Firely_rejects()
    {
        var report = run.Report(fixture.Validator);
        var kinds = report.CheckKindsThatFailed;

        // Every kind of rule the plan models, and every clinic invariant on the high-volume kinds.
        string[] expected =
        [
            nameof(CardinalityCheck), nameof(RequiredCheck), nameof(ChildrenCheck), nameof(TypeLabelCheck), nameof(Ele1Check), nameof(Ext1Check),
            nameof(RegexCheck), nameof(FhirStringCheck), nameof(ValidLiteralCheck), nameof(FixedCheck), nameof(BindingCheck), nameof(SliceCheck),
            nameof(ReferenceCheck), nameof(ExtensionSchemaCheck), nameof(MinMaxCheck),
            "invariant kwc-score-1", "invariant obs-6", "invariant vs-2",
        ];
        Assert.All(expected, kind => Assert.Contains(kind, kinds));
    }

    /// <summary>One CsCheck run of mutants shared by the tests that read it.</summary>
    public sealed class MutantRun
    {
        private DifferentialReport? _report;

        internal DifferentialReport Report(FhirResourceValidator validator)
        {
            lock (this)
            {
                if (_report is null)
                {
                    var bases = DifferentialReport.Load(RepoPaths.Expected).Concat(GeneratedClinic()).ToList();
                    var differential = new FastPathDifferential(validator, bases);
                    // A fixed seed: the suite runs the same cases every time (the benchmark command draws new ones).
                    _report = differential.Mutants(MutantsPerKind * differential.Kinds.Count, seed: "0N0XIzNsQ0O2", threads: 2);
                }

                return _report;
            }
        }

        /// <summary>The resources of a small generated clinic (40 patients, seed 7), as the mapper builds them.</summary>
        public static List<Resource> GeneratedClinic()
        {
            var dir = Path.Combine(Path.GetTempPath(), "fhiradapter-fastpath-" + Guid.NewGuid().ToString("N"));
            try
            {
                new ClinicGenerator(new ClinicGeneratorOptions { Patients = 40, Seed = 7 }).Generate(dir);
                var set = new FhirAdapter.Core.Export.RecordSet();
                foreach (var item in FhirAdapter.Core.Export.InboxReader.ReadDirectoryAsync(dir).ToBlockingEnumerable())
                {
                    if (item.Record is { } record)
                        set.Add(record);
                }

                var mapping = new ExportMapper(new MappingOptions()).Map(set.Records);
                return [.. mapping.Patients.SelectMany(p => p.Bundle.Entry).Select(e => e.Resource!)
                    .Concat(mapping.Questionnaires?.Entry.Select(e => e.Resource!) ?? [])];
            }
            finally
            {
                if (Directory.Exists(dir))
                    Directory.Delete(dir, recursive: true);
            }
        }
    }
}
