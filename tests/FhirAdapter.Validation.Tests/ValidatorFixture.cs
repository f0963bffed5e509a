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
