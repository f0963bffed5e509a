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

/// <summary>A validator with the fast path on (its own: the differential tests compare it with Firely).</summary>
public sealed class FastPathValidatorFixture
{
    public FhirResourceValidator Validator { get; } = new(new FhirValidationOptions { FastPath = true, FastPathDoubleCheck = 0 });
}
