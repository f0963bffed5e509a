using Xunit;

namespace FhirAdapter.Testing;

/// <summary>Tests that share one real FHIR server (Medplum on Node); they run one after another.</summary>
/// <remarks>
/// xunit finds collection definitions only in the test assembly itself, so this one file is compiled into each test
/// project that uses it (a linked Compile item) rather than into FhirAdapter.Testing.
/// </remarks>
[CollectionDefinition(Name)]
public sealed class FhirServerCollection : ICollectionFixture<FhirServerFixture>
{
    public const string Name = "FhirServer";
}
