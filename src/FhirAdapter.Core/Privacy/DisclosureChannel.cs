namespace FhirAdapter.Core.Privacy;

/// <summary>How data left: pushed by the adapter to a destination, or pulled by an API client.</summary>
/// <remarks>The store keeps the member's name, so a rename is a data migration.</remarks>
public enum DisclosureChannel
{
    /// <summary>The adapter sent the data to the organization.</summary>
    Push,

    /// <summary>The organization fetched the data from the adapter's API.</summary>
    Pull,
}
