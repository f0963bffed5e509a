namespace FhirAdapter.Store.Disclosures;

public enum DisclosureChannel
{
    /// <summary>The adapter sent the data to the organization.</summary>
    Push,

    /// <summary>The organization fetched the data from the adapter's API.</summary>
    Pull,
}
