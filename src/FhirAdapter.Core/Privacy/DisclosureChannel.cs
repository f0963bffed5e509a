namespace FhirAdapter.Core.Privacy;

/// <summary>How data left: pushed by the adapter to a destination, or pulled by an API client.</summary>
public enum DisclosureChannel
{
    Push,
    Pull,
}
