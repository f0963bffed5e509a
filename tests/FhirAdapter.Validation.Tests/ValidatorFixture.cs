using FhirAdapter.Validation;

namespace FhirAdapter.Validation.Tests;

/// <summary>One validator for the whole test run: loading the specification and compiling profiles is the slow part.</summary>
public sealed class ValidatorFixture
{
    public FhirResourceValidator Validator { get; } = new(new FhirValidationOptions());
}

[CollectionDefinition(Name)]
public sealed class ValidatorCollection : ICollectionFixture<ValidatorFixture>
{
    public const string Name = "validator";
}

/// <summary>
/// A validator with the fast path on and no double check (the differential tests compare it with Firely), and the
/// resources they start from: the golden files and a small generated clinic, loaded once for all of them.
/// </summary>
public sealed class FastPathValidatorFixture
{
    private readonly Lazy<List<Hl7.Fhir.Model.Resource>> _golden = new(() => [.. FhirAdapter.Testing.Validation.DifferentialReport.Load(FhirAdapter.Testing.RepoPaths.Expected)]);
    private readonly Lazy<List<Hl7.Fhir.Model.Resource>> _generated = new(FastPathDifferentialTests.MutantRun.GeneratedClinic);

    // Compiled, never loaded from a saved plan: this is the plan the differential tests prove (PlanCacheTests hold a
    // loaded plan to it).
    public FhirResourceValidator Validator { get; } = new(new FhirValidationOptions { FastPath = true, FastPathDoubleCheck = 0, PlanCache = false });

    public IReadOnlyList<Hl7.Fhir.Model.Resource> Golden => _golden.Value;

    public IReadOnlyList<Hl7.Fhir.Model.Resource> Generated => _generated.Value;
}

[CollectionDefinition(Name)]
public sealed class FastPathCollection : ICollectionFixture<FastPathValidatorFixture>
{
    public const string Name = "fast path";
}
