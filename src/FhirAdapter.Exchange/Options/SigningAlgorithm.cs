namespace FhirAdapter.Exchange.Options;

/// <summary>The two algorithms SMART Backend Services requires servers to support.</summary>
public enum SigningAlgorithm
{
    RS384,
    ES384,
}
