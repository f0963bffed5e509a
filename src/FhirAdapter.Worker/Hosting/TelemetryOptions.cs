namespace FhirAdapter.Worker.Hosting;

/// <summary>Metrics export, bound from <c>Adapter:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Adapter:Telemetry";

    /// <summary>Also write the adapter's metrics to the console (for a look without a collector).</summary>
    public bool Console { get; set; }
}
