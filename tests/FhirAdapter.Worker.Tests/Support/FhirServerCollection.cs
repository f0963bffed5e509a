using FhirAdapter.Testing;

namespace FhirAdapter.Worker.Tests.Support;

/// <summary>Tests that share one real FHIR server (Medplum on Node); they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class FhirServerCollection : ICollectionFixture<FhirServerFixture>
{
    public const string Name = "FhirServer";
}
