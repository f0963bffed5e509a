using FhirAdapter.Testing;

namespace FhirAdapter.Exchange.Tests.Integration;

/// <summary>Tests that share one Node FHIR server; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class FhirServerCollection : ICollectionFixture<FhirServerFixture>
{
    public const string Name = "FhirServer";
}
