using System.ComponentModel.DataAnnotations;

namespace FhirAdapter.Exchange.Options;

/// <summary>When to stop calling a destination that keeps failing, and for how long.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Share of failed attempts within the sampling window that opens the circuit.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the window before the ratio counts.</summary>
    [Range(2, 100_000)]
    public int MinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.5", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the circuit stays open before one trial request.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
