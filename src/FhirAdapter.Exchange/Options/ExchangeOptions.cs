namespace FhirAdapter.Exchange.Options;

/// <summary>The EHRs to send to, bound from the <c>Adapter</c> section (<c>Adapter:Destinations</c>).</summary>
public sealed class ExchangeOptions
{
    /// <summary>The configuration section this binds to.</summary>
    public const string SectionName = "Adapter";

    /// <summary>Configuration path of the destination list, used in validation messages.</summary>
    public const string DestinationsPath = "Adapter:Destinations";

    public List<DestinationOptions> Destinations { get; set; } = [];

    /// <summary>Finds a destination by its configured name (case-insensitive).</summary>
    public DestinationOptions? Find(string name) =>
        Destinations.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
