namespace FhirAdapter.Exchange.Options;

/// <summary>When to stop calling a destination that keeps failing, and for how long.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Share of failed attempts within the sampling window that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the window before the ratio counts.</summary>
    public int MinimumThroughput { get; set; } = 10;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the circuit stays open before one trial request.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
