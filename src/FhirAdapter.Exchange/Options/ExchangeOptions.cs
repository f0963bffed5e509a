using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Options;

/// <summary>
/// The EHRs to send to, bound from the list <c>Adapter:Destinations</c> (and from nothing else under <c>Adapter</c>: the
/// other root keys are the worker's). Validated on start, each message naming its key.
/// </summary>
public sealed class ExchangeOptions
{
    /// <summary>The configuration section the destinations are bound from.</summary>
    public const string DestinationsPath = "Adapter:Destinations";

    /// <summary>The configuration path this object stands for: its <see cref="Destinations"/> are <c>Adapter:Destinations</c>.</summary>
    public const string Path = "Adapter";

    [ValidateEnumeratedItems]
    public List<DestinationOptions> Destinations { get; set; } = [];

    /// <summary>Finds a destination by its configured name (case-insensitive).</summary>
    public DestinationOptions? Find(string name) =>
        Destinations.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
