using FhirAdapter.Generation;
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
[Collection(FastPathCollection.Name)]
public sealed class FastPathDifferentialTests(FastPathValidatorFixture fixture, FastPathDifferentialTests.MutantRun run)
    : IClassFixture<FastPathDifferentialTests.MutantRun>
{
    /// <summary>Mutants per resource kind in the suite (about 20 s of Firely on two cores).</summary>
    internal const int MutantsPerKind = 250;

    [Fact]
    public void Every_golden_resource_the_fast_path_accepts_is_valid_without_a_message_under_Firely()
    {
        var golden = fixture.Golden;
        var report = new FastPathDifferential(fixture.Validator, golden).CheckAll(golden);

        Assert.True(report.Cases > 2000, report.Summary());
        Assert.Empty(report.Disagreements);
        Assert.True(report.Accepted > report.Cases * 9 / 10, "the fast path should accept nearly every golden resource: " + report.Summary());
    }

    [Fact]
    public void Every_resource_of_a_generated_clinic_the_fast_path_accepts_is_valid_without_a_message_under_Firely()
    {
        var resources = fixture.Generated;
        var report = new FastPathDifferential(fixture.Validator, resources).CheckAll(resources);

        Assert.True(report.Cases > 1000, report.Summary());
        Assert.Empty(report.Disagreements);
        Assert.True(report.Accepted > report.Cases * 9 / 10, report.Summary());
    }

    [Fact]
    public void Mutants_the_fast_path_accepts_are_valid_without_a_message_under_Firely()
    {
        var report = run.Report(fixture);

        Assert.True(report.Disagreements.IsEmpty, string.Join(Environment.NewLine, report.Disagreements.Concat(report.DisagreementCases)));
        Assert.True(report.Cases > MutantsPerKind * 10, report.Summary());
        Assert.True(report.Accepted > 0 && report.Rejected > report.Cases / 10, report.Summary());
    }

    /// <summary>
    /// Checks inside a slice that the slice's discriminator already implies (an element that would break them does
    /// not match the slice, or makes the discriminator undecided, so the slicing refuses first), and references whose
    /// every failing form Firely accepts unresolved. Each is exercised where the same rule sits outside a slice.
    /// Named one by one, so that any other check never seen refusing fails the test.
    /// </summary>
    private static readonly HashSet<string> ImpliedElsewhere =
    [
        "base type invariants @ Observation.category.coding",
        "binding extensible http://hl7.org/fhir/ValueSet/identifier-type @ Patient.identifier.type",
        "children @ Observation.category.coding",
        "children @ Observation.category:VSCat",
        "children @ Patient.identifier:mrn",
        "invariant ele-1 @ Observation.category.coding",
        "invariant ele-1 @ Observation.category.coding.code",
        "invariant ele-1 @ Observation.category.coding.system",
        "invariant ele-1 @ Observation.category:VSCat",
        "invariant ele-1 @ Observation.category:survey",
        "invariant ele-1 @ Patient.identifier.type",
        "invariant ele-1 @ Patient.identifier:mrn",
        "fixed 'http://terminology.hl7.org/CodeSystem/observation-category' @ Observation.category.coding.system",
        "fixed 'vital-signs' @ Observation.category.coding.code",
        "pattern CodeableConcept @ Observation.category:survey",
        "pattern CodeableConcept @ Patient.identifier.type",
        "required [coding] @ Observation.category:VSCat",
        "required [system,code] @ Observation.category.coding",
        "slicing [dosePerKg] @ MedicationAdministration.dosage.extension",
        "slicing [sessionPhase] @ Observation.extension",
        "slicing [valueQuantity] @ Observation.value[x]",
        "reference to [Consent,DocumentReference,Contract,QuestionnaireResponse] @ Consent.source[x]:Reference",
        "reference to [Medication] @ MedicationStatement.medication[x]:Reference",
        "reference to [Practitioner,Patient,RelatedPerson,Organization] @ Annotation.author[x]:Reference",
        "reference to [Resource] @ QuestionnaireResponse.item.answer.value[x]:Reference",
    ];

    [Fact]
    public void Every_check_the_valid_resources_reach_refuses_some_mutant_that_Firely_rejects()
    {
        var coverage = run.Coverage(fixture);

        // Each invariant is held to Firely's evaluation of its expression, true and false, by InvariantDifferentialTests.
        Assert.True(coverage.Reached.Count > 800, coverage.Summary());
        var never = coverage.Never.Where(c => c is not InvariantCheck && !ImpliedElsewhere.Contains(c.Describe))
            .Select(c => c.Describe).Order(StringComparer.Ordinal).ToList();
        Assert.True(never.Count == 0, coverage.Summary() + Environment.NewLine + string.Join(Environment.NewLine, never));
        Assert.Empty(run.Report(fixture).Disagreements);
    }

    /// <summary>One CsCheck run of mutants shared by the tests that read it.</summary>
    public sealed class MutantRun
    {
        private readonly Lock _lock = new();
        private List<Resource>? _bases;
        private FastPathDifferential? _differential;
        private DifferentialReport? _report;
        private CoverageReport? _coverage;

        internal DifferentialReport Report(FastPathValidatorFixture fixture)
        {
            lock (_lock)
            {
                if (_report is null)
                {
                    _bases = [.. fixture.Golden, .. fixture.Generated];
                    _differential = new FastPathDifferential(fixture.Validator, _bases);
                    // The same cases every run (the benchmarks' differential command draws new ones and shrinks).
                    _report = _differential.FixedMutants(MutantsPerKind * _differential.Kinds.Count, seed: 16);
                }

                return _report;
            }
        }

        internal CoverageReport Coverage(FastPathValidatorFixture fixture)
        {
            var report = Report(fixture);
            lock (_lock)
                return _coverage ??= _differential!.Coverage(_bases!, report);
        }

        /// <summary>The resources of a small generated clinic (40 patients, seed 7), as the mapper builds them.</summary>
        public static List<Resource> GeneratedClinic()
        {
            var dir = Path.Combine(Path.GetTempPath(), "fhiradapter-fastpath-" + Guid.NewGuid().ToString("N"));
            try
            {
                new ClinicGenerator(new ClinicGeneratorOptions { Patients = 40, Seed = 7 }).Generate(dir);
                var set = new FhirAdapter.Core.Reading.RecordSet();
                foreach (var item in FhirAdapter.Core.Reading.InboxReader.ReadDirectoryAsync(dir).ToBlockingEnumerable())
                {
                    if (item.Record is { } record)
                        set.Add(record);
                }

                var mapping = new RecordMapper(new MappingOptions()).Map(set.Records);
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
